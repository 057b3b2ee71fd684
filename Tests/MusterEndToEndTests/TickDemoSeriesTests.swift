// The demo district ticked at each due instant of a month against a real SMTP server: every shipped flow arrives, once.
import Foundation
import MusterCore
import MusterDaemon
import MusterStore
import MusterTestSupport
import Testing

@Suite struct TickDemoSeriesTests {
    static let start = instant("2026-11-23T08:00:00Z")  // a Monday, Europe/London on GMT

    static let shippedRules: Set<String> = [
        "welcome", "leadership-welcome", "induction-invite", "induction-reminder", "training-reminder",
        "training-reps", "meeting-reminders", "ballot-chaser", "reps-weekly", "officers-monthly",
    ]

    @Test func aMonthOfTicksDeliversEveryShippedFlowOnceAndNothingTwice() async throws {
        // Given the demo district (40 members, seed 7) built at the start, and a real SMTP server
        let server = try SMTPTestServer()
        let h = try TickHarness(smtpURL: server.url)
        try h.fillDemo(members: 40, seed: 7, now: Self.start)
        let engine = try h.engine()
        let forecast = try planPass(
            store: engine.district.store, rules: engine.district.rules, organisation: h.config.organisation,
            now: Self.start, horizon: 30 * 86_400, record: false)
        let instants = [Self.start] + Set(forecast.occurrences.map(\.due)).filter { $0 > Self.start }.sorted()
        #expect(instants.count > 30)  // the demo calendar of issue 13 has fewer, realer events: 38 instants

        // When it is ticked at each instant the planner foresees over 30 days, twice at each, with a
        // member promoted into the leadership section after the first tick
        var secondTickSent = 0, secondTickQueued = 0
        for (i, now) in instants.enumerated() {
            _ = try await h.tick(now, engine: engine)
            if i == 0 {
                try h.execute("UPDATE members SET section = 'leadership' WHERE id = 5")
            }
            let again = try await h.tick(now, engine: engine)
            secondTickSent += again.sent
            secondTickQueued += again.queued
        }
        let received = try server.received()
        let outbox = try h.outbox()

        // Then every shipped rule delivered at least one message, each arriving exactly once
        let byMessageID = Dictionary(uniqueKeysWithValues: outbox.map { ($0.messageID, $0) })
        let rules = Set(received.compactMap { $0.messageID.flatMap { byMessageID[$0]?.rule } })
        #expect(rules == Self.shippedRules)
        #expect(Set(received.compactMap(\.messageID)).count == received.count)
        #expect(received.count == outbox.filter { $0.state == "sent" }.count)
        #expect(received.allSatisfy { $0.rcptTos.count == 1 && $0.mailFrom == "organising@example.org" })
        #expect(outbox.filter { $0.state == "queued" || $0.state == "sending" }.isEmpty)
        #expect(secondTickSent == 0)
        #expect(secondTickQueued == 0)
        // and the promoted member was welcomed to leadership, the baseline members were not
        let leadership = outbox.filter { $0.rule == "leadership-welcome" }
        #expect(leadership.map(\.memberID) == [5])

        // and every message parses with Python's email package without a defect
        let files = received.map { server.directory.file($0.file) }
        let defects = try pythonEmailDefects(files).split(separator: "\n").filter { !$0.hasSuffix(": ok") }
        #expect(defects.isEmpty, "\(defects.prefix(5))")

        // and meeting reminders carry a calendar invite
        let meetings = received.filter { $0.messageID.flatMap { byMessageID[$0]?.rule } == "meeting-reminders" }
        let parsed = try ParsedMail.parse(meetings.map { server.directory.file($0.file) })
        #expect(!parsed.isEmpty)
        #expect(parsed.allSatisfy { $0.types.contains("text/calendar") && $0.types.contains("text/plain") })

        // When the whole month is ticked again
        var rerunSent = 0
        for now in instants { rerunSent += try await h.tick(now, engine: engine).sent }

        // Then nothing new is sent
        #expect(rerunSent == 0)
        #expect(try server.received().count == received.count)
    }

    @Test func aFreshDatabaseOfLongStandingMembersMailsNobodyForThePast() async throws {
        // Given a district built more than a year ago (every event past, every ballot closed, the
        // newest member joined 400 days ago), with muster never run on it
        let server = try SMTPTestServer()
        let h = try TickHarness(smtpURL: server.url)
        let built = instant("2025-10-20T08:00:00Z")
        try h.fillDemo(members: 200, seed: 3, now: built)
        let now = instant("2026-11-25T12:00:00Z")  // a Wednesday: Monday's newsletter is past its grace

        // When muster ticks for the first time
        let s = try await h.tick(now)

        // Then nobody is mailed and nothing is queued for later
        #expect(s.due == 0)
        #expect(s.queued == 0)
        #expect(s.sent == 0)
        #expect(try server.received().isEmpty)
        #expect(try h.outbox().isEmpty)
        // and the only messages it owns up to skipping are the recurring rules' latest firings, past
        // their grace: this week's newsletter and this month's officers' report
        #expect(s.skippedPastGrace.keys.sorted() == ["officers-monthly", "reps-weekly"])
    }
}
