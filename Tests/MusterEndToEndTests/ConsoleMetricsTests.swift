// /metrics beyond the outbox's states, through the real binary: delivery attempts by reply class, bounces
// and complaints, link hits by purpose, read with Python's prometheus_client and checked against the
// database; and the console following a SIGHUP reload of the district.
import Foundation
import MusterTestSupport
import Testing

extension DaemonProcessTests {
@Suite struct ConsoleMetricsTests {
    static let now = "2026-11-23T09:00:00Z"
    /// Five members joined on the day: two the relay takes, one it defers (451), one it refuses
    /// (550 5.1.1) and one whose connection it drops in the middle of the data.
    static let emails = ["ann@example.org", "bob@example.org", "rcpt451@example.org", "rcpt550@example.org", "dropdata@example.org"]

    /// muster.yaml's extra lines: links and the console on ports of their own, plain http on loopback.
    static func consoleYAML(links: Int, console: Int) -> String {
        """
        links:
          base_url: http://127.0.0.1:\(links)
          listen: 127.0.0.1:\(links)
        console:
          listen: 127.0.0.1:\(console)
          insecure_http_on_loopback: true

        """
    }

    static let environment = [
        "MUSTER_CONSOLE_PASSWORD_HASH": ConsoleTests.hash,
        "MUSTER_LINK_SECRET": String(repeating: "console-test-secret-", count: 3),
    ]

    /// `/metrics` parsed by prometheus_client: one line a sample, `name{k=v,...} value`, labels sorted,
    /// for the families named; and each family's type as `# name type`.
    static func scrape(_ base: String, _ dir: TemporaryDirectory, families: [String]) async throws -> (samples: [String: Double], types: [String: String], body: String) {
        let r = try await ConsoleTests.curl(base + "/metrics")
        #expect(r.status == 200, "\(r.status)")
        let file = try dir.write("metrics-\(UUID().uuidString).txt", r.body)
        let parsed = try await offPool { try runProcess(["python3", "-c", """
            import sys
            from prometheus_client.parser import text_string_to_metric_families
            wanted = set(sys.argv[2].split(','))
            for family in text_string_to_metric_families(open(sys.argv[1]).read()):
                if family.name not in wanted:
                    continue
                print(f"# {family.name} {family.type}")
                for s in family.samples:
                    if s.name.endswith('_created'):
                        continue
                    labels = ','.join(f'{k}={v}' for k, v in sorted(s.labels.items()))
                    print(f"{s.name}{{{labels}}} {s.value}")
            """, file, families.joined(separator: ",")]) }
        #expect(parsed.status == 0, "\(parsed.stderr)")
        var samples: [String: Double] = [:], types: [String: String] = [:]
        for line in parsed.stdout.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.first == "#" { types[String(parts[1])] = String(parts[2]) } else if parts.count == 2 { samples[String(parts[0])] = Double(parts[1]) }
        }
        return (samples, types, r.body)
    }

    /// The outbox's attempts by the class of each entry's last reply (while no entry has replies of two classes).
    static func attemptsInOutbox(_ district: DaemonDistrict) async throws -> [String: Double] {
        let rows = try await district.sql("""
            SELECT class || '|' || sum(attempts) FROM (
                SELECT CASE substr(last_reply, 1, 1) WHEN '2' THEN '2xx' WHEN '4' THEN '4xx' WHEN '5' THEN '5xx' ELSE 'other' END AS class, attempts
                FROM muster_outbox WHERE attempts > 0)
            GROUP BY class
            """)
        var out = ["2xx": 0.0, "4xx": 0, "5xx": 0, "other": 0]
        for row in rows.split(separator: "\n") {
            let p = row.split(separator: "|")
            out[String(p[0])] = Double(p[1])
        }
        return out
    }

    static func attemptsInMetrics(_ samples: [String: Double]) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: ["2xx", "4xx", "5xx", "other"].map { ($0, samples["muster_delivery_attempts_total{class=\($0)}"] ?? -1) })
    }

    @Test func attemptsBouncesComplaintsAndLinkHitsMatchTheDatabaseAndSurviveATickAndARestart() async throws {
        // Given a district of five new members, the relay answering each differently, muster run with links and console
        let server = try await startTestServer()
        let district = try await DaemonDistrict.make(transport: server.url, concurrency: 1)
        let links = try ConsoleTests.freePort(), console = try ConsoleTests.freePort()
        let yaml = try String(contentsOfFile: district.config, encoding: .utf8)
        try district.dir.write("muster.yaml", yaml + Self.consoleYAML(links: links, console: console))
        let values = Self.emails.enumerated().map { "(\($0.offset + 1), 'N\($0.offset + 1)', 'Member\($0.offset + 1)', '\($0.element)', 'active', '2026-11-23')" }
        try await district.sql("INSERT INTO members(id, membership_number, first_name, email, status, joined_on) VALUES \(values.joined(separator: ",\n"));")
        let base = "http://127.0.0.1:\(console)"
        let daemon = try await offPool { () throws -> DaemonProcess in
            let d = try DaemonProcess(district, arguments: ["--now", Self.now], environment: Self.environment)
            try d.waitForLog("console=listening")
            return d
        }
        // When each welcome has had its first attempt,
        let settled = try await offPool {
            eventually(30) { (try? district.sql("SELECT count(*) FROM muster_outbox WHERE attempts = 1 AND state != 'sending'")) == "5" }
        }
        let entries = try await district.sql("SELECT id || ' ' || state || ' ' || attempts || ' ' || ifnull(last_reply, '') FROM muster_outbox")
        #expect(settled, "\(entries)\n\(daemon.log)")
        // Then /metrics parses, and its attempts are the outbox's, by the class of each entry's reply.
        let families = ["muster_delivery_attempts", "muster_bounces", "muster_complaints", "muster_bounce_reports_unmatched", "muster_link_hits"]
        let attempts = try await Self.scrape(base, district.dir, families: families)
        let inOutbox = try await Self.attemptsInOutbox(district)
        #expect(Self.attemptsInMetrics(attempts.samples) == inOutbox)
        #expect(inOutbox == ["2xx": 2, "4xx": 1, "5xx": 1, "other": 1], "\(entries)")
        #expect(attempts.samples["muster_bounces_total{kind=permanent}"] == 0 && attempts.samples["muster_complaints_total{}"] == 0)

        // a Postfix bounce arrives for Ann's, a complaint for Bob's, and a report nobody can match,
        let received = try await server.receivedOffPool()
        let ann = try #require(received.first { $0.rcptTos == ["ann@example.org"] })
        let bob = try #require(received.first { $0.rcptTos == ["bob@example.org"] })
        let reports: [[UInt8]] = [
            BounceFixture.postfix(to: ann.mailFrom, recipient: "ann@example.org", messageID: ann.messageID ?? ""),
            BounceFixture.arf(originalMailFrom: bob.mailFrom, recipient: "bob@example.org", messageID: bob.messageID ?? ""),
            Array("From: someone@example.net\r\nSubject: hello\r\n\r\nnot a report\r\n".utf8),
        ]
        for report in reports {
            let r = try await offPool {
                try runProcess(["env", "MUSTER_LINK_SECRET=\(Self.environment["MUSTER_LINK_SECRET"]!)", try MusterBinary.require(),
                                "bounce", "--now", "2026-11-23T09:05:00Z", "--config", district.config], input: Data(report))
            }
            #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        }
        // and Bob's unsubscribe link is opened, used, and a forged one and a malformed "I've voted" tried.
        let bobsBytes = String(decoding: server.bytes(of: bob), as: UTF8.self)
        let unsubscribe = try #require(bobsBytes.firstMatch(of: /List-Unsubscribe: <(http:[^>]+)>/)).1
        let page = try await ConsoleTests.curl(String(unsubscribe))
        let oneClick = try await ConsoleTests.curl(String(unsubscribe), form: ["List-Unsubscribe": "One-Click"])
        let forged = try await ConsoleTests.curl("http://127.0.0.1:\(links)/u/" + String(repeating: "A", count: 40))
        let malformed = try await ConsoleTests.curl("http://127.0.0.1:\(links)/v/x")
        #expect([page.status, oneClick.status] == [200, 200] && forged.status / 100 == 4 && malformed.status / 100 == 4,
                "\([page.status, oneClick.status, forged.status, malformed.status])")
        _ = try await ConsoleTests.curl("http://127.0.0.1:\(links)/healthz")  // not a link: not counted

        // Then /metrics counts them as the database has them; the attempts stay as the relay answered
        // them (Ann's entry is now failed, its last reply the bounce's).
        let first = try await Self.scrape(base, district.dir, families: families)
        #expect(Self.attemptsInMetrics(first.samples) == inOutbox)
        let bounces = try await district.sql("SELECT group_concat(kind || '=' || n) FROM (SELECT kind, count(*) AS n FROM muster_bounces GROUP BY kind ORDER BY kind)")
        #expect(bounces == "complaint=1,permanent=1")
        #expect(try await district.sql("SELECT count(*) FROM muster_bounces_unmatched") == "1")
        #expect(first.samples["muster_bounces_total{kind=permanent}"] == 1 && first.samples["muster_bounces_total{kind=transient}"] == 0)
        #expect(first.samples["muster_complaints_total{}"] == 1 && first.samples["muster_bounce_reports_unmatched_total{}"] == 1, "\(first.samples)")
        let hits = first.samples.filter { $0.key.hasPrefix("muster_link_hits_total") }
        #expect(hits == [
            "muster_link_hits_total{method=GET,purpose=unsubscribe,status=2xx}": 1,
            "muster_link_hits_total{method=POST,purpose=unsubscribe,status=2xx}": 1,
            "muster_link_hits_total{method=GET,purpose=unsubscribe,status=\(forged.status / 100)xx}": 1,
            "muster_link_hits_total{method=GET,purpose=voted,status=4xx}": 1,
        ], "\(hits)")
        #expect(families.allSatisfy { first.types[$0] == "counter" }, "\(first.types)")
        // Nothing of a member or a link reaches the labels.
        for secret in Self.emails + ["Member1", "N1", String(unsubscribe.split(separator: "/").last ?? "")] {
            #expect(!first.body.contains(secret), "\(secret)")
        }

        // When the daemon stops, `muster tick` retries the deferred two a few minutes later, and the daemon starts again,
        daemon.signal(SIGTERM)
        #expect(try await offPool { daemon.waitForExit() } == 0)
        let tick = try await offPool {
            try MusterBinary.run(["tick", "--now", "2026-11-23T09:03:00Z", "--config", district.config], in: district.dir.path, environment: Self.environment)
        }
        #expect(tick.status == 0 && tick.stdout.contains("2 deferred"), "\(tick.stdout)\(tick.stderr)")
        let again = try await offPool { () throws -> DaemonProcess in
            let d = try DaemonProcess(district, arguments: ["--now", "2026-11-23T09:03:30Z"], logName: "again.log", environment: Self.environment)
            try d.waitForLog("console=listening")
            return d
        }
        defer { again.signal(SIGKILL) }
        // Then the attempts count both tries of each (kept in the database, whoever made them) and add up to
        // the outbox's, the bounces are as they were, and the link hits start again from nothing.
        let second = try await Self.scrape(base, district.dir, families: families)
        #expect(Self.attemptsInMetrics(second.samples) == ["2xx": 2, "4xx": 2, "5xx": 1, "other": 2], "\(tick.stdout)")
        #expect(try await district.sql("SELECT sum(attempts) FROM muster_outbox") == "7")
        #expect(second.samples["muster_bounces_total{kind=permanent}"] == 1 && second.samples["muster_complaints_total{}"] == 1)
        #expect(second.samples.keys.filter { $0.hasPrefix("muster_link_hits_total") }.isEmpty, "\(second.samples)")
    }

    @Test func mailAPauseHoldsBackIsCountedApartFromMailThatIsDue() async throws {
        // Given two new members and all sending paused before muster run starts
        let district = try await DaemonDistrict.make(transport: "file:outbox/")
        let links = try ConsoleTests.freePort(), console = try ConsoleTests.freePort()
        let yaml = try String(contentsOfFile: district.config, encoding: .utf8)
        try district.dir.write("muster.yaml", yaml + Self.consoleYAML(links: links, console: console))
        try await district.sql("""
            INSERT INTO members(id, membership_number, first_name, email, status, joined_on) VALUES
              (1, 'N1', 'Ann', 'ann@example.org', 'active', '2026-11-23'), (2, 'N2', 'Bob', 'bob@example.org', 'active', '2026-11-23');
            """)
        @Sendable func muster(_ args: String...) throws -> Int32 {
            try MusterBinary.run(args + ["--config", district.config], in: district.dir.path, environment: Self.environment).status
        }
        #expect(try await offPool { try muster("pause", "--all") } == 0)
        let daemon = try await offPool { () throws -> DaemonProcess in
            let d = try DaemonProcess(district, arguments: ["--now", Self.now], environment: Self.environment)
            try d.waitForLog("console=listening")
            return d
        }
        defer { daemon.signal(SIGKILL) }
        let base = "http://127.0.0.1:\(console)"
        let families = ["muster_outbox_due_messages", "muster_outbox_oldest_due_seconds", "muster_outbox_paused_due_messages", "muster_sending_paused"]
        _ = try await offPool { eventually(20) { (try? district.sql("SELECT count(*) FROM muster_outbox WHERE state = 'queued'")) == "2" } }
        try await Task.sleep(for: .seconds(1.5))
        // Then the two welcomes are held by the pause, not due-and-undelivered: the alert on due mail stays quiet.
        let paused = try await Self.scrape(base, district.dir, families: families).samples
        #expect(paused == ["muster_outbox_due_messages{}": 0, "muster_outbox_oldest_due_seconds{}": 0,
                           "muster_outbox_paused_due_messages{}": 2, "muster_sending_paused{}": 1], "\(paused)")
        // When sending resumes, they go, and nothing is held.
        #expect(try await offPool { try muster("resume", "--all") } == 0)
        _ = try await offPool { eventually(20) { (try? district.sql("SELECT count(*) FROM muster_outbox WHERE state = 'sent'")) == "2" } }
        let resumed = try await Self.scrape(base, district.dir, families: families).samples
        #expect(resumed["muster_outbox_paused_due_messages{}"] == 0 && resumed["muster_sending_paused{}"] == 0, "\(resumed)")
    }

    @Test func theConsoleShowsTheRulesAndSettingsASighupReloadAcceptedAndKeepsThemWhenOneIsRefused() async throws {
        // Given a running daemon with its console, and an organiser signed in
        let run = try await offPool { try ConsoleTests.Running(insecure: true) }
        let session = try await ConsoleTests.signIn(run)
        let before = try await ConsoleTests.curl(run.base + "/rules", cookie: session.cookie)
        #expect(before.status == 200 && before.body.contains("welcome") && !before.body.contains("second-welcome"))
        #expect(before.body.contains("Test District"))
        // When a rule is added and the organisation renamed, and muster run is sent SIGHUP,
        try run.district.dir.write("schedules/second-welcome.yaml", """
            kind: sequence
            anchor: joined_on
            topic: welcome
            description: A second hello, added while the daemon ran.
            steps:
              - { after: 0d, template: note }

            """)
        let yaml = try String(contentsOfFile: run.district.config, encoding: .utf8)
        try run.district.dir.write("muster.yaml", yaml.replacingOccurrences(of: "name: Test District", with: "name: Renamed District"))
        run.daemon.signal(SIGHUP)
        _ = try await offPool { try run.daemon.waitForLog("reload=ok rules=3") }
        // Then the console's pages and /metrics show the reloaded district, without a restart or a new sign-in.
        let rules = try await ConsoleTests.curl(run.base + "/rules", cookie: session.cookie)
        #expect(rules.status == 200 && rules.body.contains("second-welcome") && rules.body.contains("A second hello, added while the daemon ran."))
        #expect(rules.body.contains("Renamed District") && !rules.body.contains("Test District"))
        let today = try await ConsoleTests.curl(run.base + "/today", cookie: session.cookie)
        #expect(today.status == 200 && today.body.contains("second-welcome") && today.body.contains("Renamed District"))
        let metrics = try await Self.scrape(run.base, run.district.dir, families: ["muster_outbox_messages"])
        #expect(metrics.samples["muster_outbox_messages{rule=second-welcome,state=queued}"] != nil, "\(metrics.samples.keys.sorted())")

        // When a broken rule is added and SIGHUP sent again,
        try run.district.dir.write("schedules/broken.yaml", "kind: sequence\nsteps: [ { after: 7 days, template: note } ]\n")
        run.daemon.signal(SIGHUP)
        _ = try await offPool { try run.daemon.waitForLog("reload=failed kept=previous") }
        // Then the console keeps showing the district it had.
        let kept = try await ConsoleTests.curl(run.base + "/rules", cookie: session.cookie)
        #expect(kept.status == 200 && kept.body.contains("second-welcome") && kept.body.contains("Renamed District") && !kept.body.contains("broken"))
    }
}
}
