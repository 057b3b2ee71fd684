import Foundation
import GRDB
import MusterCore
import MusterStore
import MusterTestSupport
import Testing

@Suite struct OutboxStoreTests {
    let t0 = ISOTime.parseInstant("2026-11-23T09:00:00Z")!
    func at(_ minutes: Double) -> Date { t0.addingTimeInterval(minutes * 60) }

    func draft(member: Int64, rule: String = "welcome", dueMinutes: Double = 0, expiresMinutes: Double = 600,
               recipient: String? = nil, suppressed: String? = nil) -> NewOutboxEntry {
        let o = Occurrence(rule: rule, step: 1, template: "welcome-1", topic: "welcome", memberID: member,
                           due: at(dueMinutes), expires: at(expiresMinutes))
        let m = Fixture.message(to: MailAddress(recipient ?? "m\(member)@example.com"), key: o.dedupeKey)
        return NewOutboxEntry(occurrence: o, recipient: recipient ?? "m\(member)@example.com", messageID: m.messageID,
                              message: suppressed == nil ? m.render() : nil, suppressedReason: suppressed)
    }

    /// A fresh database file for each test, alive as long as the test's instance.
    let dir: TemporaryDirectory
    let outbox: OutboxStore

    init() throws {
        dir = try TemporaryDirectory()
        outbox = OutboxStore(try Store(path: dir.file("muster.sqlite")))
    }

    @Test func enqueuingTheSameKeyTwiceAddsNothing() throws {
        #expect(try outbox.enqueue([draft(member: 1), draft(member: 2)], now: t0) == 2)
        #expect(try outbox.enqueue([draft(member: 1), draft(member: 2), draft(member: 3)], now: at(1)) == 1)
        #expect(try outbox.countsByStateAndRule() == [OutboxCount(rule: "welcome", state: .queued, count: 3)])
        #expect(try outbox.existingKeys(["welcome/1/m1/-/-/", "welcome/1/m9/-/-/"]) == ["welcome/1/m1/-/-/"])
    }

    @Test func claimsOnlyDueUnexpiredEntriesAndOnlyOnce() throws {
        try outbox.enqueue([draft(member: 1), draft(member: 2, dueMinutes: 30), draft(member: 3, expiresMinutes: 5)], now: t0)
        // When claimed at 09:10: member 1 is due; 2 is not yet; 3 has expired
        let claimed = try outbox.claimDue(now: at(10), limit: 10)
        #expect(claimed.map(\.memberID) == [1])
        #expect(claimed[0].state == .sending)
        #expect(claimed[0].message == draft(member: 1).message)
        #expect(try outbox.claimDue(now: at(10), limit: 10).isEmpty)
        #expect(try outbox.expire(now: at(10)) == 1)
        #expect(try outbox.entry(dedupeKey: "welcome/1/m3/-/-/")?.state == .expired)
        #expect(try outbox.entry(dedupeKey: "welcome/1/m3/-/-/")?.reason == "expired before it could be sent")
        #expect(try outbox.nextDue() == at(30))
    }

    @Test func recoveringInFlightKeepsBytesAndMessageID() throws {
        try outbox.enqueue([draft(member: 1)], now: t0)
        let before = try #require(try outbox.claimDue(now: t0, limit: 1).first)
        // Given a crash while sending, When muster starts again
        #expect(try outbox.recoverInFlight(now: at(5)) == 1)
        // Then the entry is queued with the same bytes and Message-ID and can be claimed again
        let after = try #require(try outbox.claimDue(now: at(5), limit: 1).first)
        #expect(after.id == before.id)
        #expect(after.message == before.message)
        #expect(after.messageID == before.messageID)
        #expect(after.attempts == 0)
    }

    @Test func recordsDeferralsThenSuccess() throws {
        try outbox.enqueue([draft(member: 1)], now: t0)
        let e = try outbox.claimDue(now: t0, limit: 1)[0]
        try outbox.record([(e.id, .deferred(reply: "451 4.7.1 Greylisted"))], now: t0)
        var stored = try #require(try outbox.entry(id: e.id))
        #expect(stored.state == .queued && stored.attempts == 1 && stored.nextAttemptAt == at(1))
        #expect(stored.lastReply == "451 4.7.1 Greylisted")
        #expect(try outbox.claimDue(now: at(0.5), limit: 1).isEmpty)
        #expect(try outbox.recentFailures(limit: 5).map(\.id) == [e.id])
        _ = try outbox.claimDue(now: at(1), limit: 1)
        let t = try outbox.record([(e.id, .sent(reply: "250 2.0.0 Ok"))], now: at(1))
        #expect(t.first??.state == .sent)
        stored = try #require(try outbox.entry(id: e.id))
        #expect(stored.state == .sent && stored.attempts == 2 && stored.sentAt == at(1) && stored.lastReply == "250 2.0.0 Ok")
        #expect(try outbox.nextDue() == nil)
        // A late second result never reopens it.
        try outbox.record([(e.id, .deferred(reply: "421 late"))], now: at(2))
        #expect(try outbox.entry(id: e.id)?.state == .sent)
    }

    @Test func unknownUserFailsSuppressesTheAddressAndItsOtherMessages() throws {
        try outbox.enqueue([draft(member: 1, recipient: "Gone@example.com"),
                            draft(member: 1, rule: "ballot", dueMinutes: 60, recipient: "Gone@example.com"),
                            draft(member: 2)], now: t0)
        let e = try outbox.claimDue(now: t0, limit: 1)[0]
        try outbox.record([(e.id, .failed(reply: "550 5.1.1 <address>: User unknown", unknownUser: true))], now: t0)
        #expect(try outbox.entry(id: e.id)?.state == .failed)
        #expect(try outbox.entry(id: e.id)?.reason == "refused by the server")
        #expect(try outbox.entry(dedupeKey: "ballot/1/m1/-/-/")?.state == .suppressed)
        #expect(try outbox.entry(dedupeKey: "ballot/1/m1/-/-/")?.reason == "address bounced")
        #expect(try outbox.entry(dedupeKey: "welcome/1/m2/-/-/")?.state == .queued)
        #expect(try outbox.suppressionReason(memberID: 99, email: "gone@EXAMPLE.com", topic: "news") == "address bounced")
        #expect(try outbox.countsByStateAndRule() == [
            OutboxCount(rule: "ballot", state: .suppressed, count: 1),
            OutboxCount(rule: "welcome", state: .failed, count: 1),
            OutboxCount(rule: "welcome", state: .queued, count: 1),
        ])
    }

    /// Given the same entries in two outboxes, claimed, and the same results (sent, greylisted,
    /// unknown user with another message queued to that address, refused),
    /// when one records them by id (`record`) and the other from the claimed entries (`record(claimed:)`),
    /// then every row, suppression and attempt count is the same in both;
    /// and a claimed entry whose row moved on since its claim (another process put it back in the
    /// queue) is recorded from the row as it is, as `record` would.
    @Test func recordingClaimedEntriesMatchesRecordingByID() throws {
        let otherDir = try TemporaryDirectory()
        let other = OutboxStore(try Store(path: otherDir.file("muster.sqlite")))
        let drafts = [draft(member: 1), draft(member: 2, recipient: "Gone@example.com"),
                      draft(member: 2, rule: "ballot", dueMinutes: 60, recipient: "Gone@example.com"),
                      draft(member: 3), draft(member: 4)]
        try outbox.enqueue(drafts, now: t0)
        try other.enqueue(drafts, now: t0)
        let results: [DeliveryResult] = [
            .sent(reply: "250 2.0.0 Ok"), .failed(reply: "550 5.1.1 <address>: User unknown", unknownUser: true),
            .deferred(reply: "451 4.7.1 Greylisted"), .failed(reply: "554 5.7.1 Rejected", unknownUser: false),
        ]
        let a = try outbox.claimDue(now: t0, limit: 10)
        let b = try other.claimDue(now: t0, limit: 10)
        #expect(a.count == 4 && b.count == 4)
        let byID = try outbox.record(zip(a, results).map { ($0.id, $1) }, now: at(1))
        let byEntry = try other.record(claimed: Array(zip(b, results)), now: at(1))
        #expect(byID == byEntry)
        func rows(_ o: OutboxStore) throws -> [String] {
            try o.pool.read { db in
                try String.fetchAll(db, sql: """
                    SELECT id || '|' || state || '|' || attempts || '|' || next_attempt_at || '|' || coalesce(last_reply, '')
                        || '|' || coalesce(reason, '') || '|' || updated_at || '|' || coalesce(sent_at, '') FROM muster_outbox ORDER BY id
                    """)
                + String.fetchAll(db, sql: "SELECT kind || ' ' || email || ' ' || topic FROM muster_suppressions ORDER BY email")
                + String.fetchAll(db, sql: "SELECT * FROM muster_delivery_attempts ORDER BY 1")
            }
        }
        #expect(try rows(outbox) == rows(other))
        #expect(try other.entry(dedupeKey: "ballot/1/m2/-/-/")?.state == .suppressed)

        // An entry claimed, then put back in the queue by another process before its result came.
        try outbox.enqueue([draft(member: 5)], now: t0)
        try other.enqueue([draft(member: 5)], now: t0)
        let late = try #require(try other.claimDue(now: at(2), limit: 1).first)
        _ = try outbox.claimDue(now: at(2), limit: 1)
        try outbox.recoverInFlight(now: at(2))
        try other.recoverInFlight(now: at(2))
        #expect(try other.record(claimed: [(late, .sent(reply: "250 Ok"))], now: at(3))
                == outbox.record([(late.id, .sent(reply: "250 Ok"))], now: at(3)))
        #expect(try other.entry(id: late.id)?.state == .sent)
        #expect(try rows(outbox) == rows(other))
    }

    @Test func suppressionsByTopicEverythingAndOptOut() throws {
        try outbox.addSuppression(.unsubscribed, memberID: 1, topic: "ballots", now: t0)
        try outbox.addSuppression(.unsubscribed, memberID: 1, topic: "ballots", now: t0)
        try outbox.addSuppression(.unsubscribed, memberID: 2, topic: "*", now: t0)
        try outbox.addSuppression(.optedOut, memberID: 3, now: t0)
        let list = try outbox.loadSuppressions()
        #expect(list.reason(memberID: 1, email: "a@x.org", topic: "ballots") == "unsubscribed from ballots")
        #expect(list.reason(memberID: 1, email: "a@x.org", topic: "welcome") == nil)
        #expect(list.reason(memberID: 2, email: nil, topic: "welcome") == "unsubscribed from everything")
        #expect(list.reason(memberID: 3, email: nil, topic: "welcome") == "opted out")
        #expect(try outbox.suppressionReason(memberID: 1, email: nil, topic: "ballots") == "unsubscribed from ballots")
        #expect(try outbox.suppressionReason(memberID: 4, email: nil, topic: "ballots") == nil)
    }

    @Test func suppressedDraftsAndMarkingAreRecordedWithTheirReason() throws {
        try outbox.enqueue([draft(member: 1, suppressed: "unsubscribed from welcome"), draft(member: 2)], now: t0)
        let two = try #require(try outbox.entry(dedupeKey: "welcome/1/m2/-/-/"))
        try outbox.markSuppressed(id: two.id, reason: "opted out", now: t0)
        #expect(try outbox.claimDue(now: t0, limit: 10).isEmpty)
        #expect(try outbox.entry(dedupeKey: "welcome/1/m1/-/-/")?.reason == "unsubscribed from welcome")
        #expect(try outbox.entry(id: two.id)?.state == .suppressed)
    }

    @Test func aDeferralPastExpiryExpiresTheEntry() throws {
        try outbox.enqueue([draft(member: 1, expiresMinutes: 30)], now: t0)
        let e = try outbox.claimDue(now: at(29.5), limit: 1)[0]
        try outbox.record([(e.id, .deferred(reply: "421 busy"))], now: at(29.5))
        #expect(try outbox.entry(id: e.id)?.state == .expired)
        #expect(try outbox.entry(id: e.id)?.lastReply == "421 busy")
    }
}
