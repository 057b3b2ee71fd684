// A batch is claimed while the one before it goes out; a rule paused in between sends nothing of it.
import Foundation
import MusterCore
@testable import MusterDaemon
import MusterStore
import MusterTestSupport
import Testing

@Suite struct ClaimedThenPausedTests {
    static let weekBefore = instant("2030-12-04T09:00:00Z")

    /// Given three queued meeting reminders, claimed for delivery (as the next batch is claimed
    /// while the current one goes out),
    /// when their rule is paused and then the claimed batch is handed to delivery,
    /// then nothing reaches the real SMTP server, the three are back in the queue untried, and
    /// after `resume` a pass sends each once.
    @Test func aBatchClaimedBeforeItsRuleWasPausedSendsNothing() async throws {
        let server = try SMTPTestServer()
        let h = try TickHarness(smtpURL: server.url)
        try h.seedMeeting(emails: ["ann@example.org", "bo@example.org", "cy@example.org"])
        let engine = try h.engine()
        let queued = try await engine.pass(now: Self.weekBefore, delivery: .batches(0))
        #expect(queued.queued == 3)

        let outbox = OutboxStore(try h.store)
        let batch = try outbox.claimDue(now: Self.weekBefore, limit: 10)
        #expect(batch.count == 3)
        let rule = try #require(batch.first?.rule)
        #expect(try PausedRules(try h.store).pause(rule, now: Self.weekBefore))

        var summary = PassSummary()
        let down = try await engine.send(batch, now: Self.weekBefore, into: &summary)
        #expect(!down)
        #expect(summary.attempted == 0)
        #expect(try server.received().isEmpty)
        #expect(try h.outbox().map(\.state) == ["queued", "queued", "queued"])
        #expect(try h.outbox().map(\.attempts) == [0, 0, 0])

        #expect(try PausedRules(try h.store).resume(rule))
        let after = try await engine.pass(now: Self.weekBefore)
        #expect(after.sent == 3)
        #expect(try server.received().map(\.rcptTos).sorted { $0[0] < $1[0] }
            == [["ann@example.org"], ["bo@example.org"], ["cy@example.org"]])
    }
}
