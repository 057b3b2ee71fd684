// The emergency stop in a real browser: headless Chromium signs in and pauses a rule on the Stop page
// while `muster run` delivers it to the test SMTP server; the server receives nothing more of it; then
// Chromium resumes it and the rest arrives, each message once. Screenshots under .build/test-artefacts/.
import Foundation
import MusterTestSupport
import Testing

extension DaemonProcessTests {
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")))
struct BrowserConsoleStopTests {
    /// Given a running daemon sending 450 meeting reminders (due 08:00) and then 150 welcomes (due
    /// 08:30) through a relay that takes 50 ms a message,
    /// when Chromium, signed in, presses "Pause meeting" on Stop and confirms,
    /// then the relay receives nothing more of meeting (a second and three seconds later alike) while
    /// the welcomes go on, Today shows meeting paused, and the log names the session and the client only;
    /// when Chromium resumes it (and confirms), the rest arrives, each message exactly once.
    @Test func chromiumPausesARuleTheDaemonIsSendingAndResumesIt() async throws {
        let old = 300, joiners = 150, members = old + joiners
        let server = try await startTestServer(options: ["--data-delay", "0.05"])
        let district = try await DaemonDistrict.make(transport: server.url, concurrency: 1, extraRules: ["welcome": """
            kind: sequence
            anchor: joined_on
            topic: welcome
            steps:
              - { after: 0d, at: "08:30", template: note }

            """])
        try await district.addMembers(old)
        try await district.sql("""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(joiners))
            INSERT INTO members(id, membership_number, first_name, email, status, joined_on)
              SELECT \(old) + i, 'J' || i, 'J' || i, 'j' || i || '@example.org', 'active', '2026-11-23' FROM n;
            INSERT INTO events(id, kind, title, starts_at) VALUES (1, 'meeting', 'AGM', '2026-11-24T08:00:00Z');
            """)
        // Chromium starts first (it is the slow part) and waits for `up`; then the daemon starts delivering.
        let port = try await offPool { try ConsoleTests.freePort() }
        let base = "http://127.0.0.1:\(port)"

        let artefacts = Repository.path(".build/test-artefacts")
        try FileManager.default.createDirectory(atPath: artefacts, withIntermediateDirectories: true)
        let shots = ["console-stop-confirm", "console-stop-paused", "console-today-paused", "console-stop-resumed", "console-stop-phone"]
            .map { artefacts + "/\($0).png" }
        for s in shots { try? FileManager.default.removeItem(atPath: s) }
        let up = district.dir.file("up"), ready = district.dir.file("ready"), go = district.dir.file("go"), paused = district.dir.file("paused")
        let resume = district.dir.file("resume"), resumed = district.dir.file("resumed")
        let pause = "button[name=rule][value=meeting]", confirm = "button[name=confirm]"
        let steps = [
            "wait_file \(up)", "goto \(base)/stop", "expect Password",
            "fill #password=\(ConsoleTests.password)", "press button[type=submit]", "expect Due to go out",
            "goto \(base)/stop", "expect Pause meeting", "touch \(ready)", "wait_file \(go)",
            "press \(pause)", "expect Pause meeting?", "shot \(shots[0])",
            "press \(confirm)", "expect meeting is paused: nothing more of it goes to the relay.", "touch \(paused)",
            "shot \(shots[1])",
            "goto \(base)/today", "expect Paused: meeting.", "print", "shot \(shots[2])",
            "wait_file \(resume)",
            "goto \(base)/stop", "press \(pause)", "expect Resume meeting?",
            "press \(confirm)", "expect meeting is resumed: what waited goes out as it falls due.", "shot \(shots[3])",
            "touch \(resumed)",
            // On a phone the page fits its width (the table scrolls inside its own box if it must).
            "width 390", "expect Pause meeting", "fits", "shot \(shots[4])",
        ]

        /// Received messages by rule (the outbox maps each Message-ID to its rule).
        struct Counts: Sendable, Equatable { var meeting = 0, welcome = 0 }
        @Sendable func rules() throws -> [String: String] {
            var out: [String: String] = [:]
            for line in try district.sql("SELECT message_id || '|' || rule FROM muster_outbox;").split(separator: "\n") {
                let parts = line.split(separator: "|")
                if parts.count == 2 { out[String(parts[0])] = String(parts[1]) }
            }
            return out
        }
        @Sendable func counts(_ rule: [String: String]) throws -> Counts {
            var c = Counts()
            for m in try server.received() {
                switch rule[m.messageID ?? ""] {
                case "meeting": c.meeting += 1
                case "welcome": c.welcome += 1
                default: break
                }
            }
            return c
        }
        struct Seen: @unchecked Sendable {
            var atPause = Counts(), afterOneSecond = Counts(), afterThree = Counts(), browser: Int32 = -1, out = "", err = ""
            var run: ConsoleStopTests.Console?
        }
        let seen = try await offPool { () throws -> Seen in
            var s = Seen()
            let out = district.dir.file("browser.out"), err = district.dir.file("browser.err")
            for f in [out, err] { _ = FileManager.default.createFile(atPath: f, contents: nil) }
            let browser = Process()
            browser.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            browser.arguments = ["python3", Repository.path("Tests/browser/walk.py"), "--timeout", "60"] + steps
            browser.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
            browser.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
            try browser.run()
            defer { if browser.isRunning { browser.terminate() } }
            let run = try ConsoleStopTests.Console(district, secure: true, port: port, arguments: ["--now", "2026-11-23T09:00:00Z"])
            s.run = run
            _ = FileManager.default.createFile(atPath: up, contents: nil)
            func exists(_ f: String) -> Bool { FileManager.default.fileExists(atPath: f) }
            // Pause once the browser is on Stop and the daemon is well into the meeting reminders.
            let onStop = eventually(90) { exists(ready) || !browser.isRunning }
            _ = try eventually(30) { try server.received().count >= 20 }
            let rule = try rules()
            if onStop, browser.isRunning {
                _ = FileManager.default.createFile(atPath: go, contents: nil)
                if eventually(60, { exists(paused) || !browser.isRunning }), exists(paused) {
                    s.atPause = try counts(rule)
                    usleep(1_000_000)
                    s.afterOneSecond = try counts(rule)
                    usleep(2_000_000)
                    s.afterThree = try counts(rule)
                }
            }
            _ = FileManager.default.createFile(atPath: resume, contents: nil)
            _ = eventually(60) { !browser.isRunning }
            browser.waitUntilExit()
            s.browser = browser.terminationStatus
            s.out = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            s.err = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
            _ = try eventually(60) { try server.received().count >= members + joiners }
            usleep(500_000)
            return s
        }
        let run = try #require(seen.run)
        print("console stop in Chromium: meeting reminders received when the page said paused \(seen.atPause.meeting), a second later "
              + "\(seen.afterOneSecond.meeting), three seconds later \(seen.afterThree.meeting); welcomes meanwhile \(seen.atPause.welcome) -> "
              + "\(seen.afterThree.welcome); screenshots in \(artefacts)")
        #expect(seen.browser == 0, "\(seen.err)\n\(seen.out.suffix(2000))\n\(run.daemon.log.suffix(3000))")
        #expect(seen.atPause.meeting > 0 && seen.atPause.meeting < members - 50, "the pause came too late to show anything (\(seen.atPause))")
        #expect(seen.afterThree.meeting == seen.afterOneSecond.meeting, "meeting reminders kept arriving more than a second after the pause")
        #expect(seen.afterOneSecond.meeting <= seen.atPause.meeting + 20, "\(seen.afterOneSecond.meeting - seen.atPause.meeting) arrived in the second after the pause")
        #expect(seen.afterThree.welcome > seen.atPause.welcome, "the other rule stopped too: \(seen.atPause) -> \(seen.afterThree)")
        #expect(seen.out.contains("Rules paused, and the queued messages that wait for them to be resumed"))
        let log = run.daemon.log
        #expect(log.contains("console=pause rule=meeting status=paused"), "\(log.suffix(3000))")
        #expect(log.contains("session=1 client=127.0.0.1") && log.contains("console=resume rule=meeting status=resumed"))
        #expect(!log.contains("@example.org"))
        let all = try await server.receivedOffPool()
        let final = try await offPool { try counts(rules()) }
        #expect(all.count == members + joiners && final == Counts(meeting: members, welcome: joiners),
                "each message exactly once after resume (got \(all.count): \(final))")
        #expect(Set(all.compactMap(\.messageID)).count == members + joiners)
        #expect(try await district.sql("SELECT count(*) FROM muster_outbox WHERE state = 'sent';") == "\(members + joiners)")
        for s in shots { #expect(FileManager.default.fileExists(atPath: s), "\(s)") }
    }
}
}
