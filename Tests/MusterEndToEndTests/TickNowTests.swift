// Time is an argument: `tick --now T` in the past reckons retries and expiry from T, never from the wall clock.
import Foundation
import MusterTestSupport
import Testing

@Suite struct TickNowTests {
    // A year before this suite was written: any wall-clock reckoning would put retries far after these.
    static let weekBefore = "2025-12-04T09:00:00Z"   // 7 days before a meeting at 18:30 on 11 December, 09:00 London
    static let dayBefore = instant("2025-12-10T17:00:00Z")
    static let starts = "2025-12-11T18:30:00Z"

    /// Given a server that greylists one address (451 on its first RCPT),
    /// when `muster tick --now T` runs with T in the past, and again at T + 10 minutes,
    /// then the first tick defers it to T + 1 minute and the second delivers it with the same Message-ID.
    @Test func aDeferralInThePastIsRetriedByATickTenMinutesLater() async throws {
        let server = try await startTestServer()
        let h = try TickHarness(smtpURL: server.url)
        try h.seedMeeting(emails: ["ann@example.org", "greylist@example.org"], starts: Self.starts)

        let first = try await offPool { try h.runBinary(["tick", "--now", Self.weekBefore]) }
        #expect(first.status == 0, "\(first.stderr)")
        let deferred = try #require(try h.outbox().first { $0.recipient == "greylist@example.org" })
        #expect(deferred.state == "queued")
        #expect(deferred.attempts == 1)
        #expect(deferred.nextAttemptAt == "2025-12-04T09:01:00Z")

        let later = try await offPool { try h.runBinary(["tick", "--now", "2025-12-04T09:10:00Z"]) }
        #expect(later.status == 0, "\(later.stderr)")
        #expect(later.stdout.contains("delivered  1 sent, 0 deferred, 0 failed"), "\(later.stdout)")
        let sent = try #require(try h.outbox().first { $0.recipient == "greylist@example.org" })
        #expect(sent.state == "sent")
        #expect(sent.attempts == 2)
        #expect(try h.strings("SELECT sent_at FROM muster_outbox WHERE id = \(sent.id)") == ["2025-12-04T09:10:00Z"])
        let got = try #require(try await server.receivedOffPool().last)
        #expect(got.rcptTos == ["greylist@example.org"])
        #expect(got.messageID == deferred.messageID)
    }

    /// Given a day-before reminder to an address the server always answers 451,
    /// when muster ticks (in the past) at each retry time until after the meeting has started,
    /// then it is tried again and again before the start, never after, and ends expired.
    @Test func aReminderDeferredOnEveryTryExpiresByItsEventsStartAfterManyTries() async throws {
        let server = try await startTestServer()
        let h = try TickHarness(smtpURL: server.url)
        try h.seedMeeting(emails: ["rcpt451@example.org"], starts: Self.starts)
        let start = instant(Self.starts)

        var now = Self.dayBefore
        var attemptsAt: [Date] = []
        for _ in 0..<100 {
            let s = try await h.tick(now)
            if s.attempted > 0 { attemptsAt.append(now) }
            guard let row = try h.outbox().first(where: { $0.step == 2 }), row.state == "queued" else { break }
            now = instant(row.nextAttemptAt)
        }
        let row = try #require(try h.outbox().first { $0.step == 2 })
        #expect(row.state == "expired")
        #expect(row.reason == "expired before it could be sent")
        #expect(row.attempts == attemptsAt.count)
        #expect(row.attempts >= 10, "tried \(row.attempts) times in the 25 hours before the meeting")
        #expect(attemptsAt.allSatisfy { $0 < start })
        #expect(try h.strings("SELECT updated_at FROM muster_outbox WHERE id = \(row.id)").allSatisfy { instant($0) < start })

        // A tick after the start finds nothing more to try.
        let after = try await h.tick(start.addingTimeInterval(60))
        #expect(after.attempted == 0)
        #expect(try await server.receivedOffPool().isEmpty)
    }
}
