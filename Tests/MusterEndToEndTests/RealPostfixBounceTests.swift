// A bounce made by a real Postfix: muster sends to a local user that does not exist, Postfix's local(8)
// bounces it to the VERP sender, and `muster bounce` acts on that DSN.
import Foundation
import MusterCore
import MusterTestSupport
import Testing

/// A private Postfix instance in a temporary folder (its own main.cf, master.cf, queue and log), its
/// smtpd on a loopback port, relaying everything that is not local to `relay`. It needs root (Postfix's
/// master starts as root and drops to the `postfix` user) and the Debian `postfix` package; it touches
/// neither /etc/postfix nor port 25.
final class PostfixInstance: @unchecked Sendable {
    static var available: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/postfix")
            && FileManager.default.fileExists(atPath: "/etc/postfix/master.cf")
    }

    let dir: TemporaryDirectory
    let port: Int
    var config: String { dir.file("etc") }
    /// Local domain: any user there that does not exist bounces.
    static let domain = "pftest.invalid"

    init(relayPort: Int) throws {
        dir = try TemporaryDirectory()
        port = try closedPort()
        let fm = FileManager.default
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path)
        for d in ["etc", "queue", "data"] { try fm.createDirectory(atPath: dir.file(d), withIntermediateDirectories: true) }
        _ = try runProcess(["chown", "postfix:postfix", dir.file("data")])
        for f in ["dynamicmaps.cf", "postfix-files", "postfix-script", "post-install"] where fm.fileExists(atPath: "/etc/postfix/\(f)") {
            try fm.copyItem(atPath: "/etc/postfix/\(f)", toPath: dir.file("etc/\(f)"))
        }
        for d in ["dynamicmaps.cf.d", "postfix-files.d"] where fm.fileExists(atPath: "/etc/postfix/\(d)") {
            try fm.copyItem(atPath: "/etc/postfix/\(d)", toPath: dir.file("etc/\(d)"))
        }
        try dir.write("etc/main.cf", """
            compatibility_level = 3.6
            queue_directory = \(dir.file("queue"))
            data_directory = \(dir.file("data"))
            mail_owner = postfix
            setgid_group = postdrop
            myhostname = mx.\(Self.domain)
            mydomain = \(Self.domain)
            mydestination = \(Self.domain)
            inet_interfaces = 127.0.0.1
            inet_protocols = ipv4
            local_recipient_maps =
            relayhost = [127.0.0.1]:\(relayPort)
            alias_maps =
            alias_database =
            smtputf8_enable = no
            biff = no
            maillog_file_prefixes = \(dir.path)
            maillog_file = \(dir.file("maillog"))

            """)
        // The system's master.cf, with smtpd on our port and no chroot (the queue folder holds no libraries).
        var lines: [String] = []
        var postlog = false
        for line in try String(contentsOfFile: "/etc/postfix/master.cf", encoding: .utf8).components(separatedBy: "\n") {
            var fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            if line.hasPrefix("#") || line.hasPrefix(" ") || fields.count < 8 { lines.append(line); continue }
            if fields[0] == "smtp", fields[1] == "inet" { fields[0] = "127.0.0.1:\(port)" }
            if fields[0] == "postlog" { postlog = true }
            if fields[4] == "y" { fields[4] = "n" }
            lines.append(fields.joined(separator: "  "))
        }
        if !postlog { lines.append("postlog   unix-dgram n  -       n       -       1       postlogd") }
        try dir.write("etc/master.cf", lines.joined(separator: "\n") + "\n")
        let r = try runProcess(["/usr/sbin/postfix", "-c", config, "start"])
        guard r.status == 0 else { throw TestSupportError("postfix did not start: \(r.stderr) \(log)") }
    }

    var log: String { (try? String(contentsOfFile: dir.file("maillog"), encoding: .utf8)) ?? "" }

    func stop() { _ = try? runProcess(["/usr/sbin/postfix", "-c", config, "stop"]) }

    deinit { stop() }
}

@Suite struct RealPostfixBounceTests {
    @Test(.enabled(if: PostfixInstance.available, "needs root and Debian's postfix package (scripts/install-deps)"))
    func aBounceFromARealPostfixSuppressesTheMemberAndTheirNextStep() async throws {
        // Given Postfix taking muster's mail, with one member whose local mailbox does not exist,
        // and the test SMTP server standing for the bounce address's mail host
        let bounceHost = try SMTPTestServer()
        let postfix = try PostfixInstance(relayPort: bounceHost.port)
        defer { postfix.stop() }
        let b = try BounceHarness(emails: ["ann@example.org"], smtpURL: "smtp://127.0.0.1:\(postfix.port)")
        try b.h.execute("UPDATE members SET email = 'nosuchmember@\(PostfixInstance.domain)' WHERE id = 1")
        try b.h.execute("""
            INSERT INTO members(id, membership_number, first_name, last_name, email, workplace_id, status, joined_on)
            VALUES (2, 'DN2', 'Bo', 'Member', 'bo@example.org', 1, 'active', '2020-01-06')
            """)

        // When muster ticks, and Postfix's local delivery bounces the message to its VERP sender
        let s = try await b.tick(BounceHarness.weekBefore)
        #expect(s.sent == 2)
        var dsn: ReceivedMessage?
        for _ in 0..<200 {
            dsn = try bounceHost.received().first { $0.mailFrom.isEmpty || $0.mailFrom == "<>" }
            if dsn != nil { break }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        let report = try #require(dsn, "no bounce from Postfix; received: \((try? bounceHost.received()) ?? []); its log: \(postfix.log)")
        let verpSender = try #require(report.rcptTos.first)
        #expect(verpSender.hasPrefix("bounces+"))

        // Then `muster bounce` reads Postfix's own DSN, finds the entry by its token and suppresses the address
        let r = try b.bounce(Array(bounceHost.bytes(of: report)), stdin: true)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("permanent bounce for outbox 1: address suppressed"), "\(r.stdout)")
        #expect(try b.h.strings("SELECT kind || ' ' || matched_by || ' ' || status || ' ' || diagnostic FROM muster_bounces")
            == ["permanent token 5.1.1 X-Postfix; unknown user: \"nosuchmember\""])

        // And the day-before reminder goes to Bo only
        let next = try await b.tick(BounceHarness.dayBefore)
        #expect((next.sent, next.suppressed) == (1, 1))
        #expect(try b.h.outbox().filter { $0.step == 2 }.map(\.reason) == ["address bounced", nil])
    }
}
