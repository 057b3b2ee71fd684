import Foundation
import MusterTestSupport
import Testing

/// The command line as a person uses it: the real binary, a real folder, real SQLite files.
@Suite struct CommandLineTests {
    let dir: TemporaryDirectory

    init() throws {
        dir = try TemporaryDirectory()
        try FileManager.default.createSymbolicLink(atPath: dir.file("schedules"), withDestinationPath: Repository.path("schedules"))
        try FileManager.default.createSymbolicLink(atPath: dir.file("templates"), withDestinationPath: Repository.path("templates"))
    }

    func muster(_ args: String...) throws -> (status: Int32, stdout: String, stderr: String) {
        try MusterBinary.run(args, in: dir.path, environment: ["MUSTER_LINK_SECRET": String(repeating: "s3cret-", count: 8)])
    }

    func sqlite(_ sql: String) throws -> String {
        try runProcess(["sqlite3", dir.file("muster.sqlite"), sql]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func initDemoWritesAConfigAndADistrictOfAbout1500Members() throws {
        let r = try muster("init", "--demo", "--now", "2026-11-25T12:00:00Z")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("wrote muster.yaml"))
        #expect(FileManager.default.fileExists(atPath: dir.file("muster.yaml")))
        #expect(try sqlite("select count(*) from members") == "1500")
        #expect(try sqlite("select count(*) from workplaces w where not exists (select 1 from reps r where r.workplace_id = w.id)") != "0")
        // A second init keeps everything and refuses to add a second demo district.
        let again = try muster("init", "--demo")
        #expect(again.status == 1)
        #expect(try sqlite("select count(*) from members") == "1500")
    }

    @Test func checkPassesOnTheShippedFlowsAndNamesFileLineAndVariable() throws {
        #expect(try muster("init", "--demo", "--now", "2026-11-25T12:00:00Z").status == 0)
        let ok = try muster("check", "--now", "2026-11-25T12:00:00Z")
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout == "ok: 11 rules, 17 steps checked (17 against rows from the database, the rest against sample data)\n")

        try FileManager.default.removeItem(atPath: dir.file("templates"))
        try FileManager.default.copyItem(atPath: Repository.path("templates"), toPath: dir.file("templates"))
        let file = dir.file("templates/welcome-1.mustache")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try text.replacingOccurrences(of: "Hello {{member.first_name}}", with: "Hello {{member.frist_name}}")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let bad = try muster("check")
        #expect(bad.status == 1)
        #expect(bad.stderr == "muster: templates/welcome-1.mustache:4: unknown variable 'member.frist_name'\n")
    }

    @Test func planForecastsEveryShippedRuleOverThirtyDays() throws {
        #expect(try muster("init", "--demo", "--now", "2026-11-25T12:00:00Z").status == 0)
        // A promotion into leadership after the first planning starts the section welcome.
        #expect(try muster("tick", "--now", "2026-11-25T12:00:00Z").status == 0)
        _ = try sqlite("update members set section = 'leadership' where id = (select min(id) from members where status = 'active' and section <> 'leadership')")
        let r = try muster("plan", "--now", "2026-11-25T12:30:00Z", "--days", "30", "--limit", "0")
        #expect(r.status == 0, "\(r.stderr)")
        for rule in ["welcome", "leadership-welcome", "induction-invite", "induction-reminder", "training-reminder",
                     "training-reps", "meeting-reminders", "ballot-chaser", "reps-weekly"] {
            let line = r.stdout.split(separator: "\n").first { $0.hasPrefix("  \(rule) ") }
            let count = line.flatMap { Int($0.split(separator: " ")[1]) } ?? 0
            #expect(count > 0, "rule \(rule) has no messages in the forecast")
        }
    }

    @Test func importErrorsNameRowAndColumnAndChangeNothing() throws {
        #expect(try muster("init").status == 0)
        try dir.write("members.csv", "membership_number,first_name,email\nA1,Ann,ann@example.org\nA2,Bob,bob@\n")
        let r = try muster("import", "members", "members.csv")
        #expect(r.status == 1)
        #expect(r.stderr == "muster: members.csv:3: column 'email': \"bob@\" is not an email address\n")
        #expect(try sqlite("select count(*) from members") == "0")
    }

    @Test func helpListsEveryCommandAndExitsZero() throws {
        for args in [["--help"], []] {
            let r = try MusterBinary.run(args, in: dir.path)
            #expect(r.status == 0, "\(args): \(r.stderr)")
            for command in ["init", "import", "check", "plan", "tick", "preview", "status", "send-test", "run"] {
                #expect(r.stdout.contains("  \(command) "), "\(args): no \(command) in\n\(r.stdout)")
            }
        }
    }

    @Test func usageErrorsExitTwoAndMissingConfigExitsOne() throws {
        let usage = try muster("import", "bogus", "x.csv")
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("The value 'bogus' is invalid for '<kind>'"))
        let noConfig = try muster("--config", "nowhere.yaml", "plan")
        #expect(noConfig.status == 1)
        #expect(noConfig.stderr == "muster: nowhere.yaml: no configuration file here (run 'muster init' to write one, or pass --config PATH)\n")
    }

    @Test func tickStatusPreviewAndSendTestWithTheFileTransport() throws {
        #expect(try muster("init", "--demo", "--now", "2026-11-25T12:00:00Z").status == 0)
        // The first member due a message opts out of email (the demo's calendar decides who that is).
        let plan = try muster("plan", "--now", "2026-11-25T12:00:00Z", "--days", "0", "--limit", "1")
        let first = try #require(plan.stdout.split(separator: "\n").first { $0.contains(" #") }, "\(plan.stdout)")
        let id = try #require(first.split(separator: "#").dropFirst().first?.split(separator: " ").first.flatMap { Int($0) })
        _ = try sqlite("UPDATE members SET email_opt_out = 1 WHERE id = \(id)")
        let tick = try muster("tick", "--now", "2026-11-25T12:00:00Z")
        #expect(tick.status == 0, "\(tick.stderr)")
        #expect(tick.stdout.contains("81 sent, 0 deferred, 0 failed"), "\(tick.stdout)")
        // Logs carry ids, never an address or a name.
        #expect(!tick.stderr.contains("@"))
        // (the first entry may be a suppressed one, logged by member: any entry's id will do)
        #expect(tick.stderr.range(of: #"outbox=\d+ member=\d+ "#, options: .regularExpression) != nil)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.file("outbox")).filter { $0.hasSuffix(".eml") }
        #expect(files.count == 81)
        #expect(try pythonEmailDefects(files.map { dir.file("outbox/\($0)") }).split(separator: "\n").allSatisfy { $0.hasSuffix(": ok") })

        let again = try muster("tick", "--now", "2026-11-25T12:00:00Z")
        #expect(again.stdout.contains("0 newly queued"))
        #expect(again.stdout.contains("0 sent, 0 deferred, 0 failed"))

        _ = try sqlite("""
            INSERT INTO muster_suppressions(kind, member_id, topic, created_at) VALUES
              ('unsubscribed', 17, 'ballots', '2026-11-25T12:00:00Z'), ('unsubscribed', 18, 'ballots', '2026-11-25T12:00:00Z'),
              ('unsubscribed', 19, '*', '2026-11-25T12:00:00Z')
            """)
        let status = try muster("status")
        #expect(status.status == 0)
        #expect(status.stdout.contains("meeting-reminders                 3          0         30          0          0          1"), "\(status.stdout)")
        #expect(status.stdout.contains("1  suppressed opted out of email"))
        #expect(!status.stdout.contains("@"))
        #expect(status.stdout.contains("Unsubscribed by topic: everything 1, ballots 2; bounced addresses: 0"), "\(status.stdout)")

        let preview = try muster("preview", "meeting-reminders", "--member", "17", "--now", "2026-11-25T12:00:00Z")
        #expect(preview.status == 0, "\(preview.stderr)")
        #expect(preview.stdout.contains("Content-Type: text/calendar; charset=utf-8; method=PUBLISH"))
        #expect(preview.stdout.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"))

        let sent = try muster("send-test", "welcome-1", "--to", "organiser@example.org", "--member", "17")
        #expect(sent.status == 0, "\(sent.stderr)")
        let written = try FileManager.default.contentsOfDirectory(atPath: dir.file("outbox")).filter { !files.contains($0) && $0.hasSuffix(".eml") }
        #expect(written.count == 1)
        let text = try String(contentsOfFile: dir.file("outbox/\(written[0])"), encoding: .utf8)
        #expect(text.contains("Subject: [test] Welcome to Dorset NEU"))
        #expect(text.contains("To: <organiser@example.org>") || text.contains("To: organiser@example.org"))
    }
}
