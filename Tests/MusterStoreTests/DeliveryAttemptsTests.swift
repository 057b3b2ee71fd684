import Foundation
import GRDB
import MusterCore
import MusterStore
import MusterTestSupport
import Testing

/// `muster_delivery_attempts`: every attempt the outbox records, counted once, by its reply's class.
@Suite struct DeliveryAttemptsTests {
    let t0 = ISOTime.parseInstant("2026-11-23T09:00:00Z")!
    let dir: TemporaryDirectory
    let store: Store
    var outbox: OutboxStore { OutboxStore(store) }

    init() throws {
        dir = try TemporaryDirectory()
        store = try Store(path: dir.file("muster.sqlite"))
    }

    func enqueue(_ members: ClosedRange<Int64>) throws -> [OutboxEntry] {
        let drafts = members.map { member -> NewOutboxEntry in
            let o = Occurrence(rule: "welcome", step: 1, template: "welcome-1", topic: "welcome", memberID: member,
                               due: t0, expires: t0.addingTimeInterval(36_000))
            let m = Fixture.message(to: MailAddress("m\(member)@example.com"), key: o.dedupeKey)
            return NewOutboxEntry(occurrence: o, recipient: "m\(member)@example.com", messageID: m.messageID, message: m.render(), suppressedReason: nil)
        }
        try outbox.enqueue(drafts, now: t0)
        return try outbox.claimDue(now: t0, limit: 100)
    }

    @Test func eachRecordedAttemptCountsOnceUnderItsReplysClass() throws {
        // Given four claimed entries
        let e = try enqueue(1...4)
        // When the relay takes one, defers one, refuses one, and the connection drops on the last,
        try outbox.record([
            (e[0].id, .sent(reply: "250 2.0.0 Ok: queued")),
            (e[1].id, .deferred(reply: "451 4.7.1 Greylisted")),
            (e[2].id, .failed(reply: "554 5.7.1 Relay access denied")),
            (e[3].id, .deferred(reply: "connection dropped in the data (curl 56)")),
        ], now: t0)
        // and later the deferred one is sent and a late result arrives for one already sent,
        _ = try outbox.claimDue(now: t0.addingTimeInterval(60), limit: 1)
        try outbox.record([(e[1].id, .sent(reply: "250 ok")), (e[0].id, .deferred(reply: "421 late"))], now: t0.addingTimeInterval(60))
        // Then the counters say 2 taken, 1 deferred, 1 refused, 1 without a reply code: the late result counts nothing,
        #expect(try DeliveryAttempts(store).counts() == [.success: 2, .transient: 1, .permanent: 1, .other: 1])
        // and they add up to the outbox's attempts.
        let total = try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT sum(attempts) FROM muster_outbox") }
        #expect(total == 5)
    }

    @Test func aCrashsJournalReplayedCountsOnlyTheEntriesItRecords() throws {
        let e = try enqueue(1...2)
        try outbox.record([(e[0].id, .sent(reply: "250 ok"))], now: t0)
        // When the journal after a crash holds both results (the first already folded into the outbox),
        let replayed = try outbox.replay([
            .init(id: e[0].id, now: t0, result: .sent(reply: "250 ok")),
            .init(id: e[1].id, now: t0, result: .deferred(reply: "421 4.3.0 try later")),
        ])
        // Then only the second is recorded and counted.
        #expect(replayed == 1)
        #expect(try DeliveryAttempts(store).counts() == [.success: 1, .transient: 1, .permanent: 0, .other: 0])
    }

    @Test func theSQLClassOfAReplyIsTheSwiftOne() throws {
        let replies = ["250 2.0.0 Ok", "421 closing", "452 full", "550 5.1.1 unknown", "354 go ahead", "", "connection refused", "2", "5"]
        for reply in replies {
            let sql = try store.pool.read { db in
                try String.fetchOne(db, sql: "SELECT \(DeliveryAttempts.classSQL("?"))", arguments: [reply])
            }
            #expect(sql == ReplyClass(reply: reply).rawValue, "\(reply)")
        }
        #expect(ReplyClass(reply: nil) == .other)
    }
}
