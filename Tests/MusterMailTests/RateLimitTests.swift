import Foundation
import MusterCore
import MusterMail
import Testing

@Suite struct RateLimitTests {
    let t0 = ISOTime.parseInstant("2026-11-23T09:00:00Z")!

    @Test func tokenBucketSpacesMessagesEvenly() throws {
        // Given 30/minute, When three messages ask at once and one ten seconds later,
        // Then they wait 0, 2 and 4 seconds, and the late one not at all.
        var bucket = TokenBucket(rate: try RateLimit(parsing: "30/minute"), now: t0)
        #expect(bucket.take(now: t0) == 0)
        #expect(bucket.take(now: t0) == 2)
        #expect(bucket.take(now: t0) == 4)
        #expect(bucket.take(now: t0.addingTimeInterval(10)) == 0)
    }

    @Test func parsesRatesAndNamesTheSettingWhenWrong() throws {
        #expect(try RateLimit(parsing: "5/Second") == RateLimit(count: 5, period: 1))
        #expect(try RateLimit(parsing: "100/hour").perSecond == 100.0 / 3600)
        #expect(throws: MailConfigurationError(
            "mail.rate: must look like '30/minute' (N/second, N/minute or N/hour with N > 0) (got \"3/fortnight\")")) {
            try RateLimit(parsing: "3/fortnight")
        }
        #expect(throws: MailConfigurationError.self) { try RateLimit(parsing: "0/minute") }
    }

    @Test func transportsAreMadeFromTheirSpec() throws {
        let file = try makeMailTransport("file:outbox/", baseDirectory: "/srv/muster")
        #expect((file as? FileTransport)?.directory == "/srv/muster/outbox")
        #expect(throws: MailConfigurationError(
            "mail.transport: \"http://x\" is not a transport; use file:DIR, smtp://host:587 or smtps://host:465")) {
            try makeMailTransport("http://x")
        }
        #expect(throws: MailConfigurationError(
            "mail.username_env: the environment variable MUSTER_T_USER is not set; export it before starting muster")) {
            try makeMailTransport("smtp://127.0.0.1:25", smtp: SMTPSettings(url: "", usernameEnv: "MUSTER_T_USER", passwordEnv: "MUSTER_T_PASS"),
                                  environment: [:])
        }
        #expect(throws: MailConfigurationError(
            "mail.ca_file: cannot read \"/nonexistent/ca.pem\"; give the path of a PEM certificate file")) {
            try SMTPTransport(SMTPSettings(url: "smtp://127.0.0.1:25", caFile: "/nonexistent/ca.pem"))
        }
    }
}
