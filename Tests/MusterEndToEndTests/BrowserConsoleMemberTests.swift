// The member page in a real browser: headless Chromium signs in, searches the demo district for a
// member by part of their name, opens their page and reads their explain, on a desktop and a phone,
// with no CSP violation. Screenshots go to .build/test-artefacts/ (not committed).
import Foundation
import MusterCore
import MusterTestSupport
import Testing

extension DaemonDistrict {
    /// A district already in `dir` (the demo's, say), for `DaemonProcess`.
    init(existing dir: TemporaryDirectory) { self.dir = dir }
}

extension DaemonProcessTests {
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")))
struct BrowserConsoleMemberTests {
    @Test func chromiumFindsADemoMemberAndReadsTheirExplain() async throws {
        // Given the demo district (its schedules and templates), with the console, under `muster run`,
        let dir = try TemporaryDirectory()
        for folder in ["schedules", "templates"] {
            try FileManager.default.createSymbolicLink(atPath: dir.file(folder), withDestinationPath: Repository.path(folder))
        }
        let console = try ConsoleTests.freePort(), links = try ConsoleTests.freePort()
        try dir.write("muster.yaml", (Config.starterYAML + Config.demoRepsYAML).replacingOccurrences(of: "127.0.0.1:8025", with: "127.0.0.1:\(links)")
            + "console:\n  listen: 127.0.0.1:\(console)\n")
        let made = try await offPool { try MusterBinary.run(["init", "--demo", "--members", "300"], in: dir.path) }
        #expect(made.status == 0, "\(made.stderr)")
        let district = DaemonDistrict(existing: dir)
        // a member with an address, at a workplace, and a part of their last name in other letters' case,
        let row = try await district.sql("""
            SELECT id || '|' || first_name || '|' || last_name || '|' || email FROM members
            WHERE status = 'active' AND email IS NOT NULL AND email_opt_out = 0 AND workplace_id IS NOT NULL
              AND length(last_name) >= 5 ORDER BY id LIMIT 1
            """).split(separator: "|").map(String.init)
        let (id, first, last, email) = (row[0], row[1], row[2], row[3])
        let typed = String(last.dropFirst().prefix(4)).uppercased()
        let daemon = try DaemonProcess(district, environment: [
            "MUSTER_CONSOLE_PASSWORD_HASH": ConsoleTests.hash,
            "MUSTER_LINK_SECRET": String(repeating: "console-test-secret-", count: 3),
        ])
        defer { daemon.signal(SIGKILL) }
        _ = try await offPool { try daemon.waitForLog("console=listening"); return try daemon.waitForLog("daemon=started") }
        let base = "http://127.0.0.1:\(console)"
        let artefacts = Repository.path(".build/test-artefacts")
        try FileManager.default.createDirectory(atPath: artefacts, withIntermediateDirectories: true)
        let shots = ["console-member-search.png", "console-member.png", "console-member-phone.png"].map { artefacts + "/" + $0 }
        for shot in shots { try? FileManager.default.removeItem(atPath: shot) }

        // When Chromium signs in, opens Member, types part of the name and presses Search, then the member's link,
        let walk = try await offPool {
            try runProcess(["python3", Repository.path("Tests/browser/walk.py"),
                            "goto \(base)/member", "fill #password=\(ConsoleTests.password)", "press button[type=submit]",
                            "expect Due to go out",
                            "goto \(base)/member", "fill #q=\(typed)", "press form[role=search] button", "print", "shot \(shots[0])",
                            "press a[href=\"/member?id=\(id)\"]", "print", "shot \(shots[1])",
                            "width 390", "fits", "expect Why, rule by rule", "shot \(shots[2])"])
        }
        print("member page screenshots: \(shots.joined(separator: " "))")
        // Then the search listed them, their page shows their address, their messages and, rule by
        // rule, the explain; no page logged an error (a CSP violation would be one), and it fits a phone.
        #expect(walk.status == 0, "\(walk.stdout)\n\(walk.stderr)\n\(daemon.log)")
        let pages = walk.stdout.components(separatedBy: "=== ").filter { !$0.isEmpty }
        try #require(pages.count == 2, "\(walk.stdout)")
        #expect(pages[0].contains("matching \u{201C}\(typed)\u{201D}") && pages[0].contains("\(first) \(last)"), "\(pages[0])")
        #expect(!pages[0].contains(email))
        #expect(pages[1].hasPrefix("\(base)/member?id=\(id)"))
        for text in ["\(first) \(last)", email, "Their messages", "Why, rule by rule", "welcome", "ballot-chaser", "meeting-reminders"] {
            #expect(pages[1].contains(text), "the member's page lacks \(text):\n\(pages[1])")
        }
        for shot in shots {
            let png = try Data(contentsOf: URL(fileURLWithPath: shot))
            #expect(png.count > 10_000 && png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(shot)")
        }
    }
}
}
