// The pledge link end to end: `muster run` delivers a ballot message, a real browser (headless
// Chromium) opens its "I've voted" link and presses the button, and the next tick skips that member.
import Foundation
import MusterTestSupport
import Testing

extension DaemonProcessTests {
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")))
struct BrowserPledgeTests {
    static let secret = String(repeating: "pledge-secret-", count: 4)

    @Test func pressingIveVotedInAMessageStopsTheChaserForThatMember() async throws {
        // Given a ballot chaser (on opening, then daily), two members who have not voted, and muster run
        // serving its links on a free port,
        let dir = try TemporaryDirectory()
        let port = try freePort()
        try dir.write("muster.yaml", """
            organisation: { name: Test District, timezone: Europe/London }
            database: muster.sqlite
            templates: \(Repository.path("templates"))
            mail:
              from: "Test District <organising@example.org>"
              transport: file:outbox/
            links:
              base_url: http://127.0.0.1:\(port)
              listen: 127.0.0.1:\(port)
              secret_env: MUSTER_LINK_SECRET

            """)
        try dir.write("schedules/chaser.yaml", """
            kind: ballot
            recipients: not_voted
            topic: ballots
            steps:
              - { after_open: 0d, template: ballot-open }
              - { every: 1d, template: ballot-reminder }

            """)
        let env = ["MUSTER_LINK_SECRET": Self.secret]
        #expect(try MusterBinary.run(["init"], in: dir.path, environment: env).status == 0)
        let sql = try runProcess(["sqlite3", dir.file("muster.sqlite"), """
            INSERT INTO members(id, membership_number, first_name, email, status, joined_on) VALUES
              (1, 'N1', 'Ann', 'ann@example.org', 'active', '2020-01-01'),
              (2, 'N2', 'Bob', 'bob@example.org', 'active', '2020-01-01');
            INSERT INTO ballots(id, title, opens_at, closes_at, turnout_threshold) VALUES
              (1, 'Pay ballot', '2026-11-23T09:00:00Z', '2026-12-10T17:00:00Z', 0.5);
            INSERT INTO ballot_members(ballot_id, member_id) VALUES (1, 1), (1, 2);
            """])
        #expect(sql.status == 0, "\(sql.stderr)")

        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: try MusterBinary.require())
        daemon.arguments = ["run", "--config", dir.file("muster.yaml"), "--now", "2026-11-23T09:00:30Z"]
        daemon.currentDirectoryURL = dir.url
        daemon.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        let log = dir.file("run.log")
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        daemon.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        daemon.standardOutput = FileHandle.nullDevice
        try daemon.run()
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }

        // When both opening messages have arrived and Ann's "I've voted" link is pressed in Chromium,
        let outbox = dir.file("outbox")
        let delivered = try await offPool {
            eventually(20) {
                ((try? FileManager.default.contentsOfDirectory(atPath: outbox)) ?? []).filter { $0.hasSuffix(".eml") }.count == 2
            }
        }
        #expect(delivered, "the log:\n\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        let link = try votedLink(toAnn: outbox)
        #expect(link.hasPrefix("http://127.0.0.1:\(port)/v/"))
        let press = try await offPool {
            try runProcess(["python3", Repository.path("Tests/browser/press.py"), link, "button", "--expect", "Thank you for voting"])
        }
        #expect(press.status == 0, "\(press.stdout)\n\(press.stderr)")
        kill(daemon.processIdentifier, SIGTERM)
        let status = try await offPool { () -> Int32 in daemon.waitUntilExit(); return daemon.terminationStatus }
        #expect(status == 0)

        // Then her vote is recorded (and nothing about it), and the next day's tick chases Bob only.
        let voted = try runProcess(["sqlite3", dir.file("muster.sqlite"),
                                    "SELECT member_id, voted_at IS NOT NULL FROM ballot_members ORDER BY member_id"])
        #expect(voted.stdout == "1|1\n2|0\n")
        let tick = try MusterBinary.run(["tick", "--now", "2026-11-24T09:00:30Z"], in: dir.path, environment: env)
        #expect(tick.status == 0, "\(tick.stderr)")
        let reminders = try runProcess(["sqlite3", dir.file("muster.sqlite"),
                                        "SELECT member_id, state FROM muster_outbox WHERE step = 2 ORDER BY member_id"])
        #expect(reminders.stdout == "2|sent\n")
    }

    /// The "I've voted" URL in the message delivered to ann@example.org, read by Python's email parser.
    func votedLink(toAnn outbox: String) throws -> String {
        let r = try runProcess(["python3", "-c", """
            import email, email.policy, glob, re, sys
            for path in sorted(glob.glob(sys.argv[1] + '/*.eml')):
                m = email.message_from_bytes(open(path, 'rb').read(), policy=email.policy.default)
                if 'ann@example.org' in str(m['To']):
                    print(re.search(r'https?://\\S+/v/\\S+', m.get_body(('plain',)).get_content()).group(0))
            """, outbox])
        guard r.status == 0, let line = r.stdout.split(separator: "\n").first else {
            throw TestSupportError("no voted link in Ann's message: \(r.stderr)")
        }
        return String(line)
    }

    /// A TCP port on 127.0.0.1 that nothing listens on now.
    func freePort() throws -> Int {
        let r = try runProcess(["python3", "-c", "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"])
        guard let port = Int(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestSupportError("no free port: \(r.stderr)")
        }
        return port
    }
}
}
