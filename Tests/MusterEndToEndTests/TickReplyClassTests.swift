// SMTP reply classes through tick: 5.1.1 fails and suppresses, 4xx defers and retries, a dead server is exit 3, a started event expires.
import Foundation
import MusterCore
import MusterDaemon
import MusterMail
import MusterTestSupport
import Testing

@Suite struct TickReplyClassTests {
    // Every time a pass writes comes from its `now` (TickNowTests has the same in the past).
    static let weekBefore = instant("2030-12-04T09:00:00Z")  // 7 days before the meeting, 09:00 London
    static let dayBefore = instant("2030-12-10T17:00:00Z")
    static let started = instant("2030-12-11T18:31:00Z")

    @Test func anUnknownUserFailsThatMessageAloneAndSuppressesTheAddress() async throws {
        // Given three members, the second of whom the server refuses with 550 5.1.1
        let server = try SMTPTestServer()
        let h = try TickHarness(smtpURL: server.url)
        try h.seedMeeting(emails: ["ann@example.org", "rcpt550@example.org", "cy@example.org"])

        // When muster ticks a week before the meeting
        let s = try await h.tick(Self.weekBefore)

        // Then that one failed for good with the server's reply, and the others were sent
        #expect((s.sent, s.failed, s.deferred) == (2, 1, 0))
        let rows = try h.outbox()
        #expect(rows.map(\.state) == ["sent", "failed", "sent"])
        #expect(rows[1].reason == "refused by the server")
        #expect(rows[1].lastReply?.hasPrefix("550 5.1.1") == true)
        #expect(try server.received().map(\.rcptTos) == [["ann@example.org"], ["cy@example.org"]])
        // and the address is suppressed as bounced
        let bounced = try h.strings("SELECT kind || ' ' || email FROM muster_suppressions")
        #expect(bounced == ["bounced rcpt550@example.org"])

        // When the day-before reminder falls due
        let next = try await h.tick(Self.dayBefore)

        // Then the bounced address is not tried again
        #expect((next.sent, next.suppressed, next.failed) == (2, 1, 0))
        #expect(try h.outbox().filter { $0.step == 2 }.map(\.reason) == [nil, "address bounced", nil])
        #expect(try server.received().count == 4)
    }

    @Test func aGreylistedMessageIsDeferredAMinuteThenSentWithTheSameMessageIDAndBytes() async throws {
        // Given a server that answers 451 to the first RCPT for greylist@example.org
        let server = try SMTPTestServer()
        let h = try TickHarness(smtpURL: server.url)
        try h.seedMeeting(emails: ["ann@example.org", "greylist@example.org"])

        // When muster ticks a week before the meeting
        let first = try await h.tick(Self.weekBefore)

        // Then Ann's message is sent and the greylisted one waits a minute, queued, bytes kept
        #expect((first.sent, first.deferred, first.failed) == (1, 1, 0))
        let deferred = try #require(try h.outbox().first { $0.recipient == "greylist@example.org" })
        #expect(deferred.state == "queued")
        #expect(deferred.attempts == 1)
        #expect(deferred.nextAttemptAt == "2030-12-04T09:01:00Z")
        #expect(deferred.lastReply == "451 4.7.1 Greylisted, please try again later")
        #expect(try server.received().count == 1)

        // When muster ticks 30 seconds later, then at the retry time
        let early = try await h.tick(Self.weekBefore.addingTimeInterval(30))
        let retry = try await h.tick(Self.weekBefore.addingTimeInterval(60))

        // Then nothing is tried early, and the retry sends it: the same Message-ID and the same bytes
        #expect(early.attempted == 0)
        #expect((retry.sent, retry.deferred) == (1, 0))
        let after = try #require(try h.outbox().first { $0.recipient == "greylist@example.org" })
        #expect(after.state == "sent")
        #expect(after.attempts == 2)
        let got = try #require(try server.received().last)
        #expect(got.rcptTos == ["greylist@example.org"])
        #expect(got.messageID == deferred.messageID)
        #expect(server.bytes(of: got) == deferred.message)
    }

    @Test func aDeadServerIsExitThreeAndAStartedEventExpiresItsReminders() async throws {
        // Given a district whose mail server is not listening
        let port = try closedPort()
        let h = try TickHarness(smtpURL: "smtp://127.0.0.1:\(port)")
        try h.seedMeeting(emails: ["ann@example.org", "bea@example.org"])

        // When `muster tick` runs a week before the meeting
        let run = try h.runBinary(["tick", "--now", "2030-12-04T09:00:00Z"])

        // Then it exits 3, saying nothing could be delivered, and the messages wait, deferred
        #expect(run.status == 3)
        #expect(run.stderr.hasSuffix(
            "muster: nothing could be delivered: the mail server could not be used (see the deferrals in 'muster status')\n"))
        #expect(run.stdout.contains("delivered  0 sent, 2 deferred, 0 failed; 0 expired unsent\n"))
        let waiting = try h.outbox()
        #expect(waiting.map(\.state) == ["queued", "queued"])
        #expect(waiting.map(\.attempts) == [1, 1])
        #expect(waiting.map(\.nextAttemptAt) == ["2030-12-04T09:01:00Z", "2030-12-04T09:01:00Z"])

        // When the server is back only after the meeting has started
        let server = try SMTPTestServer()
        let district = try District.load(config: h.config)
        let engine = Engine(
            district: district, transport: try SMTPTransport(SMTPSettings(url: server.url, tls: .none), environment: [:]),
            links: nil, logger: try h.engine().logger)
        let s = try await h.tick(Self.started, engine: engine)

        // Then the pending reminders expire unsent and the day-before one was never queued
        #expect((s.expired, s.sent, s.attempted) == (2, 0, 0))
        let rows = try h.outbox()
        #expect(rows.map(\.state) == ["expired", "expired"])
        #expect(rows.map(\.reason) == ["expired before it could be sent", "expired before it could be sent"])
        #expect(try server.received().isEmpty)
    }
}
