// The store types that own what other modules used to ask in SQL: late suppressions, member
// replies, status counts, example rows, the change log; and the rules decided once (expiry, has voted).
import Foundation
import GRDB
import MusterCore
import MusterStore
import Testing

@Suite struct StoreQueriesTests {
    let d: PlanningDistrict
    let outbox: OutboxStore
    let now = instant("2026-11-23T09:00:00Z")

    init() throws {
        d = try PlanningDistrict()
        outbox = OutboxStore(d.store)
    }

    func entry(_ member: Int64, rule: String = "r", topic: String = "news", event: Int64? = nil, ballot: Int64? = nil,
               expires: Date? = nil) -> NewOutboxEntry {
        let o = Occurrence(rule: rule, step: 1, template: "t", topic: topic, memberID: member, eventID: event, ballotID: ballot,
                           due: now, expires: expires ?? now.addingTimeInterval(3600))
        return NewOutboxEntry(occurrence: o, recipient: "m\(member)@example.org", messageID: "<\(rule)-\(member)@example.org>",
                              message: Data("bytes".utf8))
    }

    /// `rule state reason` of every entry, by id.
    func states() throws -> [String] {
        try d.store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT rule, state, coalesce(reason, '-') FROM muster_outbox ORDER BY id")
                .map { "\($0[0] as String) \($0[1] as String) \($0[2] as String)" }
        }
    }

    // MARK: OutboxStore.suppressQueued

    @Test func suppressQueuedStopsOnlyTheMembersQueuedEntriesInScope() throws {
        // Given member 1 with queued entries of two topics, a ballot and an event; one entry already
        // being sent; and member 2 with an entry of the same topic
        try d.member(1); try d.member(2)
        try outbox.enqueue([
            entry(1, rule: "news"), entry(1, rule: "pay", topic: "ballots", ballot: 7), entry(1, rule: "meet", topic: "events", event: 3),
            entry(1, rule: "flying", topic: "news"), entry(2, rule: "other", topic: "news"),
        ], now: now)
        let sending = try #require(try outbox.claimDue(now: now, limit: 10).first { $0.rule == "flying" })
        try d.sql("UPDATE muster_outbox SET state = 'queued' WHERE state = 'sending' AND id != ?", [sending.id])

        // When each scope is suppressed with its late reason
        #expect(try outbox.suppressQueued(member: 1, scope: .ballot(7), reason: .voted, now: now) == 1)
        #expect(try outbox.suppressQueued(member: 1, scope: .event(3), reason: .rsvpNo, now: now) == 1)
        #expect(try outbox.suppressQueued(member: 1, scope: .topic("news"), reason: .unsubscribed, now: now) == 1)
        // and again: nothing more changes
        #expect(try outbox.suppressQueued(member: 1, scope: .topic("*"), reason: .unsubscribed, now: now) == 0)

        // Then each carries the reason LateSuppression gives; the one in flight and member 2's are untouched
        #expect(try states() == [
            "news suppressed unsubscribed", "pay suppressed voted", "meet suppressed rsvp_no",
            "flying sending -", "other queued -",
        ])
        #expect(LateSuppression.allCases.map(\.reason) == ["unsubscribed", "voted", "rsvp_no", "address bounced", "event cancelled", "superseded by a later change", "complaint"])
    }

    @Test func everyTopicIsTheStar() throws {
        try d.member(1)
        try outbox.enqueue([entry(1, rule: "a", topic: "news"), entry(1, rule: "b", topic: "ballots")], now: now)
        #expect(try outbox.suppressQueued(member: 1, scope: .topic("*"), reason: .unsubscribed, now: now) == 2)
        #expect(try states() == ["a suppressed unsubscribed", "b suppressed unsubscribed"])
    }

    // MARK: Expiry, one comparison

    @Test func theStoredExpiryIsComparedAsExpiryHasPassedSays() throws {
        // Given entries expiring a second before, at, and a second after 09:10
        let ten = now.addingTimeInterval(600)
        try d.member(1)
        try outbox.enqueue([
            entry(1, rule: "before", expires: ten.addingTimeInterval(-1)), entry(1, rule: "at", expires: ten),
            entry(1, rule: "after", expires: ten.addingTimeInterval(1)),
        ], now: now)
        let expected = ["before", "at", "after"].filter {
            Expiry.hasPassed(ten.addingTimeInterval($0 == "before" ? -1 : $0 == "at" ? 0 : 1), at: ten)
        }
        #expect(expected == ["before", "at"])

        // When claimed at 09:10, only the one whose expiry has not passed goes
        #expect(try outbox.claimDue(now: ten, limit: 10).map(\.rule) == ["after"])
        try d.sql("UPDATE muster_outbox SET state = 'queued'")
        // and expire at 09:10 takes exactly those Expiry.hasPassed names, with the transition's reason
        #expect(try outbox.expire(now: ten) == 2)
        #expect(try states() == [
            "before expired expired before it could be sent", "at expired expired before it could be sent", "after queued -",
        ])
        #expect(OutboxTransition.reason(for: .expired) == "expired before it could be sent")
    }

    @Test func recordedFinalStatesTakeTheirReasonsFromTheTransition() throws {
        try d.member(1)
        try outbox.enqueue([entry(1, rule: "refused"), entry(1, rule: "late", expires: now.addingTimeInterval(30))], now: now)
        let batch = try outbox.claimDue(now: now, limit: 10)
        let transitions = try outbox.record([
            (batch[0].id, .failed(reply: "554 5.7.1 denied")), (batch[1].id, .deferred(reply: "451 later")),
        ], now: now)
        #expect(transitions.map { $0?.state } == [.failed, .expired])
        #expect(transitions.map { $0?.reason } == ["refused by the server", "expired before it could be sent"])
        #expect(try states() == ["refused failed refused by the server", "late expired expired before it could be sent"])
    }

    // MARK: Has voted, one definition

    @Test func anEmptyVotedAtIsNoVoteForThePlannerTheRendererAndTheLink() async throws {
        // Given a ballot with member 1 (voted_at ''), member 2 (NULL) and member 3 (a time)
        for m in Int64(1)...3 { try d.member(m) }
        try d.sql("""
            INSERT INTO ballots(id, title, opens_at, closes_at) VALUES (7, 'Pay', '2026-11-02T08:00:00Z', '2026-11-20T12:00:00Z');
            INSERT INTO ballot_members(ballot_id, member_id, voted_at) VALUES (7, 1, ''), (7, 2, NULL), (7, 3, '2026-11-03T10:00:00Z');
            """)
        let open = instant("2026-11-02T08:00:00Z")

        // Then the planner chases 1 and 2
        let planned = try d.plan(try d.rules("ballot-chaser"), at: "2026-11-02T08:00:00Z", record: false)
        #expect(planned.occurrences.map(\.memberID) == [1, 2])
        // and the renderer counts one vote of three
        let inputs = try RenderQueries(store: d.store, organisation: dorset).inputs(memberIDs: [1], ballotID: 7, now: open)
        let figures = try #require(inputs[1]?.ballot)
        #expect((figures.voted, figures.eligible) == (1, 3))
        // and the link records member 1's vote as new, as it does member 2's, but not member 3's
        let replies = MemberReplies(d.store)
        #expect(try await replies.markVoted(memberID: 1, ballotID: 7, now: open) == .recorded(suppressed: 0))
        #expect(try await replies.markVoted(memberID: 2, ballotID: 7, now: open) == .recorded(suppressed: 0))
        #expect(try await replies.markVoted(memberID: 3, ballotID: 7, now: open) == .alreadyRecorded)
        #expect(try await replies.markVoted(memberID: 9, ballotID: 7, now: open) == .notEligible)
        // and once recorded, the planner and the renderer agree with it
        #expect(try d.plan(try d.rules("ballot-chaser"), at: "2026-11-02T08:00:00Z", record: false).occurrences.isEmpty)
        let after = try RenderQueries(store: d.store, organisation: dorset).inputs(memberIDs: [1], ballotID: 7, now: open)
        #expect(after[1]?.ballot?.voted == 3)
        #expect(try d.count("SELECT count(*) FROM ballot_members WHERE voted_at = '2026-11-02T08:00:00Z'") == 2)
    }

    // MARK: MemberReplies

    @Test func repliesWriteOneTransactionEachAndStopTheQueuedMailTheyMakePointless() async throws {
        try d.member(1)
        try d.sql("""
            INSERT INTO events(id, kind, title, starts_at) VALUES (3, 'meeting', 'AGM', '2026-12-01T18:00:00Z');
            INSERT INTO ballots(id, title, opens_at, closes_at) VALUES (7, 'Pay', '2026-11-02T08:00:00Z', '2026-12-20T12:00:00Z');
            INSERT INTO ballot_members(ballot_id, member_id) VALUES (7, 1);
            """)
        try outbox.enqueue([
            entry(1, rule: "news"), entry(1, rule: "pay", topic: "ballots", ballot: 7), entry(1, rule: "meet", topic: "events", event: 3),
        ], now: now)
        let replies = MemberReplies(d.store)

        #expect(try await replies.unsubscribe(memberID: 1, topic: "news", now: now) == 1)
        #expect(try await replies.unsubscribe(memberID: 1, topic: "news", now: now) == 0)
        #expect(try await replies.markVoted(memberID: 1, ballotID: 7, now: now) == .recorded(suppressed: 1))
        #expect(try await replies.rsvp(memberID: 1, eventID: 3, attending: true, now: now) == .recorded)
        #expect(try states().last == "meet queued -")
        #expect(try await replies.rsvp(memberID: 1, eventID: 3, attending: false, now: now) == .recorded)
        #expect(try await replies.rsvp(memberID: 1, eventID: 99, attending: false, now: now) == .notFound)
        try d.sql("UPDATE registrations SET status = 'attended'")
        #expect(try await replies.rsvp(memberID: 1, eventID: 3, attending: false, now: now) == .alreadyAttended)

        #expect(try states() == ["news suppressed unsubscribed", "pay suppressed voted", "meet suppressed rsvp_no"])
        #expect(try await replies.ballotTitle(7, memberID: 1) == "Pay")
        #expect(try await replies.ballotTitle(7, memberID: 2) == nil)
        #expect(try await replies.eventSummary(3, memberID: 1) == .init(title: "AGM", startsAt: instant("2026-12-01T18:00:00Z")))
        #expect(try await replies.eventSummary(3, memberID: 2) == nil)
        #expect(await replies.isReadable())
    }

    // MARK: StatusQueries

    @Test func statusCountsWhyMessagesWentUnsentAndWhoIsSuppressed() async throws {
        for m in Int64(1)...3 { try d.member(m) }
        try outbox.enqueue([entry(1, rule: "a"), entry(2, rule: "b"), entry(3, rule: "c")], now: now)
        let replies = MemberReplies(d.store)
        try await replies.unsubscribe(memberID: 1, topic: "news", now: now)
        try await replies.unsubscribe(memberID: 2, topic: "news", now: now)
        try await replies.unsubscribe(memberID: 3, topic: "*", now: now)
        try outbox.addSuppression(.bounced, memberID: 3, email: "M3@example.org", now: now)

        let status = StatusQueries(d.store)
        #expect(try status.unsentReasons(limit: 12) == [.init(state: .suppressed, reason: "unsubscribed", count: 3)])
        #expect(try status.unsubscribeCounts() == ["news": 2, "*": 1])
        #expect(try status.bouncedAddresses() == 1)
    }

    // MARK: ExampleRows

    @Test func exampleRowsFitEachKindOfRule() throws {
        // Given member 1 alone, member 2 with rep 3 at Westfield, an event at Bay College and an open ballot
        try d.member(1, workplace: 2); try d.member(2); try d.member(3); try d.rep(3)
        try d.member(4, workplace: 2)
        try d.sql("""
            INSERT INTO events(id, kind, title, starts_at, workplace_id) VALUES (5, 'meeting', 'Bay meeting', '2026-12-01T18:00:00Z', 2);
            INSERT INTO ballots(id, title, opens_at, closes_at) VALUES (7, 'Pay', '2026-11-02T08:00:00Z', '2026-12-20T12:00:00Z');
            INSERT INTO ballot_members(ballot_id, member_id) VALUES (7, 4);
            """)
        let rows = ExampleRows(d.store)
        #expect(try rows.ids(for: try d.rules("welcome")[0], memberID: nil, now: now) == ExampleIDs(member: 2))
        #expect(try rows.ids(for: try d.rules("welcome")[0], memberID: 1, now: now) == ExampleIDs(member: 1))
        #expect(try rows.ids(for: try d.rules("ballot-chaser")[0], memberID: nil, now: now) == ExampleIDs(member: 4, ballot: 7))
        #expect(try rows.ids(for: try d.rules("reps-weekly")[0], memberID: nil, now: now) == ExampleIDs(member: 3, digest: true))
        #expect(try rows.highestMemberID() == 4)
    }

    // MARK: The change log

    @Test func theChangeLogReaderSeesOtherConnectionsCommitsAndPagesTheLog() throws {
        // Given the log installed and a reader on a connection of its own
        let seen = try ChangeLog.installed(in: d.store)
        let reader = try ChangeLogReader(path: d.store.path)
        let v0 = try reader.dataVersion()
        #expect(try reader.dataVersion() == v0)

        // When another connection adds two members and a ballot
        try d.member(1); try d.member(2)
        try d.sql("INSERT INTO ballots(id, title, opens_at, closes_at) VALUES (7, 'Pay', '2026-11-02T08:00:00Z', '2026-12-20T12:00:00Z')")

        // Then data_version moved, and the log reads in order, a full page naming the latest seq
        #expect(try reader.dataVersion() != v0)
        let page = try reader.page(after: seen, limit: 10)
        #expect(page.entries.map(\.kind) == ["member", "member", "ballot"])
        #expect(page.entries.map(\.ref) == [1, 2, 7])
        #expect(page.latestWhenFull == nil)
        let first = try reader.page(after: seen, limit: 2)
        #expect(first.entries.map(\.ref) == [1, 2])
        #expect(first.latestWhenFull == page.entries.last?.seq)
        // and what is forgotten is not read again
        try ChangeLog.forget(through: page.entries[1].seq, in: d.store)
        #expect(try reader.page(after: 0, limit: 10).entries.map(\.kind) == ["ballot"])
    }

    // MARK: Rows decoded once

    @Test func eventRowsWithAnUnreadableEndArePlannedAndFailOnlyWhenRendered() throws {
        // Given an event whose ends_at an outside tool wrote as words
        try d.member(1)
        try d.sql("""
            INSERT INTO events(id, kind, title, starts_at, ends_at) VALUES (30, 'induction', 'Induction', '2026-12-15T16:00:00Z', 'late');
            UPDATE members SET joined_on = '2026-09-01' WHERE id = 1;
            """)
        // Then planning still sees it, and rendering names the column
        let r = try d.plan(try d.rules("induction-invite"), at: "2026-11-24T09:00:00Z", record: false)
        #expect(r.occurrences.map(\.eventID) == [30])
        #expect(throws: RenderDataError("events id 30: ends_at \"late\" is not an ISO 8601 time such as 2026-11-23T09:00:00Z")) {
            try RenderQueries(store: d.store, organisation: dorset).inputs(memberIDs: [1], eventID: 30, now: now)
        }
    }

    @Test func longIdListsAreReadInSlicesAndNoneIsLost() throws {
        // Given 1,203 members (three slices of the IN list)
        try d.store.pool.write { db in
            for id in Int64(1)...1_203 {
                try db.execute(sql: """
                    INSERT INTO members(id, membership_number, first_name, email, workplace_id, status) VALUES (?, ?, 'M', ?, 1, 'active')
                    """, arguments: [id, "N\(id)", "m\(id)@example.org"])
            }
        }
        let inputs = try RenderQueries(store: d.store, organisation: dorset).inputs(memberIDs: Array(1...1_205), now: now)
        #expect(inputs.count == 1_203)
        #expect(inputs[1_203]?.workplace?.name == "Westfield")
    }
}
