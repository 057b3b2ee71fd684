import Foundation
import Testing
import MusterCore
import MusterTestSupport

@Suite struct ConfigTests {
    func load(_ yaml: String, env: [String: String] = [:]) throws -> Config {
        let dir = try TemporaryDirectory()
        let p = try dir.write("muster.yaml", yaml)
        return try Config.load(path: p, environment: env)
    }

    func error(_ yaml: String, env: [String: String] = [:]) -> String? {
        do { _ = try load(yaml, env: env); return nil } catch { return "\(error)".replacingOccurrences(of: #"^.*/muster\.yaml"#, with: "muster.yaml", options: .regularExpression) }
    }

    @Test func readsTheStarterConfiguration() throws {
        let c = try load(Config.starterYAML)
        #expect(c.organisation == Organisation(name: "Dorset NEU", timezone: "Europe/London", website: "https://example.org"))
        #expect(c.mail.from == MailAddress("organising@example.org", name: "Dorset NEU"))
        #expect(c.mail.rate == RateLimit(count: 30, period: 60))
        #expect(c.mail.concurrency == 2)
        #expect(c.mail.quietHours == QuietHours(start: 21 * 60, end: 8 * 60))
        #expect(c.mail.passwordEnv == "MUSTER_SMTP_PASSWORD")
        #expect(c.links.baseURL == "http://127.0.0.1:8025")
        #expect(c.database.hasSuffix("/muster.sqlite"))
        guard case let .file(dir) = c.mail.transport else { Issue.record("expected the file transport"); return }
        #expect(dir.hasSuffix("/outbox"))
    }

    @Test func environmentOverridesTheTransportAndDatabase() throws {
        let c = try load(Config.starterYAML, env: ["MUSTER_TRANSPORT": "smtp://127.0.0.1:2525", "MUSTER_DATABASE": "/tmp/x.sqlite"])
        #expect(c.mail.transport == .smtp(url: "smtp://127.0.0.1:2525", implicitTLS: false))
        #expect(c.database == "/tmp/x.sqlite")
    }

    @Test func unknownKeysNameTheirLine() {
        let yaml = Config.starterYAML.replacingOccurrences(of: "  rate: 30/minute", with: "  rate: 30/minute\n  ratee: 5/second")
        #expect(error(yaml) == "muster.yaml:15: mail: unknown key 'ratee' (expected one of: from, reply_to, transport, tls, username_env, password_env, ca_file, rate, concurrency, quiet_hours, per_member, bounce_address, soft_bounce_limit, bounce_mailbox, bounce_username_env, bounce_password_env)")
    }

    @Test func bounceKeysAreReadAndBadOnesNamed() throws {
        let base = Config.starterYAML.replacingOccurrences(of: "  rate: 30/minute", with: "  rate: 30/minute\n  bounce_address: bounces@example.org")
        let c = try load(base)
        #expect(c.mail.bounces.address?.address == "bounces@example.org")
        #expect(c.mail.bounces.softBounceLimit == 3)
        #expect(c.mail.bounces.mailbox == nil)
        let boxed = try load(base + "\n") // unchanged without the mailbox keys
        #expect(boxed.mail.bounces.address != nil)
        func with(_ line: String) -> String? {
            error(Config.starterYAML.replacingOccurrences(of: "  rate: 30/minute", with: "  rate: 30/minute\n" + line))
        }
        #expect(with("  bounce_address: Bounces <bounces@example.org>")
            == "muster.yaml:15: mail.bounce_address: must be a bare address like bounces@example.org (got \"Bounces <bounces@example.org>\")")
        #expect(with("  bounce_address: a-very-long-bounce-local-part@example.org")?.contains("at most 18 characters") == true)
        #expect(with("  bounce_address: bounces+x@example.org")?.contains("hold no '+'") == true)
        #expect(with("  soft_bounce_limit: 0") == "muster.yaml:15: mail.soft_bounce_limit: must be between 1 and 100 transient bounces within 30 days (got 0)")
        #expect(with("  bounce_mailbox: imaps://user:pw@imap.example.org/INBOX")?.contains("without credentials") == true)
        #expect(with("  bounce_mailbox: imaps://imap.example.org/INBOX")?.contains("also set mail.bounce_username_env") == true)
        #expect(with("  bounce_mailbox: imaps://imap.example.org/INBOX\n  bounce_username_env: MUSTER_BOUNCE_USER\n  bounce_password_env: hunter2secret")?
            .contains("must name an environment variable") == true)
        let imap = try load(Config.starterYAML.replacingOccurrences(of: "  rate: 30/minute", with:
            "  rate: 30/minute\n  bounce_mailbox: imaps://imap.example.org/INBOX\n  bounce_username_env: MUSTER_BOUNCE_USER\n  bounce_password_env: MUSTER_BOUNCE_PASSWORD"))
        #expect(imap.mail.bounces.mailbox == "imaps://imap.example.org/INBOX")
        #expect(imap.mail.bounces.passwordEnv == "MUSTER_BOUNCE_PASSWORD")
    }

    @Test func badValuesNameKeyAndLine() {
        #expect(error(Config.starterYAML.replacingOccurrences(of: "30/minute", with: "30 per minute"))
            == "muster.yaml:14: mail.rate: must look like 30/minute, 5/second or 1000/hour (got \"30 per minute\")")
        #expect(error(Config.starterYAML.replacingOccurrences(of: "timezone: Europe/London", with: "timezone: Europe/Londres"))
            == "muster.yaml:2: organisation.timezone: \"Europe/Londres\" is not a time zone name (for example Europe/London)")
        #expect(error(Config.starterYAML.replacingOccurrences(of: "tls: required", with: "tls: yes please"))
            == "muster.yaml:11: mail.tls: must be required, opportunistic or none (got \"yes please\")")
        #expect(error(Config.starterYAML.replacingOccurrences(of: "password_env: MUSTER_SMTP_PASSWORD", with: "password_env: hunter2"))
            == "muster.yaml:13: mail.password_env: must name an environment variable such as MUSTER_SMTP_PASSWORD, not hold the secret itself")
        #expect(error(Config.starterYAML, env: ["MUSTER_TRANSPORT": "pigeon://loft"])
            == "MUSTER_TRANSPORT: mail.transport: must be file:DIR, smtp://host:port or smtps://host:port (got \"pigeon://loft\")")
    }

    @Test func syntaxErrorsNameTheLine() {
        #expect(error("organisation: { name: x\nmail: [") ?? "" == "muster.yaml:2: not valid YAML: did not find expected ',' or '}'")
    }

    @Test func parsesAddressesAndRejectsBadOnes() {
        #expect(MailAddress(parsing: "\"Dorset, NEU\" <a@b.org>") == MailAddress("a@b.org", name: "Dorset, NEU"))
        #expect(MailAddress(parsing: "bob@") == nil)
        #expect(MailAddress(parsing: "a b@c.org") == nil)
        // Envelopes are ASCII (no SMTPUTF8): such an address fails its message with a reason, and import refuses it.
        #expect(!MailAddress.isPlausible("zoë@example.org"))
    }

    @Test func quietHoursCrossMidnight() {
        let q = QuietHours(start: 21 * 60, end: 8 * 60)
        #expect(q.contains(minuteOfDay: 23 * 60))
        #expect(q.contains(minuteOfDay: 7 * 60 + 59))
        #expect(!q.contains(minuteOfDay: 8 * 60))
        #expect(!q.contains(minuteOfDay: 12 * 60))
    }
}

@Suite struct MailAddressPlausibilityTests {
    @Test func acceptsOrdinaryAddressesAndRefusesMalformedOnes() {
        for good in ["a@b", "ann.lee+union@example.org", "x@sub.example.co.uk", String(repeating: "l", count: 64) + "@d.org"] {
            #expect(MailAddress.isPlausible(good), "\(good)")
        }
        for bad in ["", "ab", "@b.c", "a@", "a@.b", "a@b.", "a@b..c", "a@@b", "a@b@c", "a b@c", "a@b c", "<a@b>",
                    "a@b\r\nRCPT TO:<x@y>", "a;b@c", "a\"@b", String(repeating: "l", count: 65) + "@d.org", "zoë@example.org",
                    "a@" + String(repeating: "d", count: 253)] {
            #expect(!MailAddress.isPlausible(bad), "\(bad)")
        }
    }
}
