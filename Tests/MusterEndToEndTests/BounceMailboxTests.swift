// The bounce mailbox: `muster run` reads a real Dovecot over IMAPS (self-signed certificate trusted
// through mail.ca_file), acts on three bounces and a complaint, and leaves the mailbox empty.
import Foundation
import MusterCore
import MusterTestSupport
import Testing

/// Dovecot (Debian's dovecot-imapd) in a temporary folder: its own config, a plain-text password
/// file, a Maildir, IMAPS only on a loopback port with a self-signed certificate. Run as `nobody`
/// when the tests run as root, else as the user running them; it touches nothing outside the folder.
final class DovecotInstance: @unchecked Sendable {
    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/sbin/dovecot") }
    static let user = "bounces"
    static let password = "imap-test-password-0123"

    let dir: TemporaryDirectory
    let port: Int
    let cert: String
    var maildir: String { dir.file("home/\(Self.user)/Maildir") }

    init() throws {
        dir = try TemporaryDirectory()
        port = try closedPort()
        let fm = FileManager.default
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path)
        for d in ["run", "state", "home/\(Self.user)/Maildir/new", "home/\(Self.user)/Maildir/cur", "home/\(Self.user)/Maildir/tmp"] {
            try fm.createDirectory(atPath: dir.file(d), withIntermediateDirectories: true)
        }
        (cert, _) = try SMTPTestServer.makeCertificate(in: dir)
        try dir.write("passwd", "\(Self.user):{PLAIN}\(Self.password)\n")
        let root = getuid() == 0
        let runAs = root ? "nobody" : (ProcessInfo.processInfo.environment["USER"] ?? "nobody")
        let group = root ? "nogroup" : runAs
        try dir.write("dovecot.conf", """
            base_dir = \(dir.file("run"))
            state_dir = \(dir.file("state"))
            log_path = \(dir.file("dovecot.log"))
            protocols = imap
            listen = 127.0.0.1
            ssl = required
            ssl_cert = <\(cert)
            ssl_key = <\(dir.file("key.pem"))
            auth_mechanisms = plain
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u \(dir.file("passwd"))
            }
            userdb {
              driver = static
              args = uid=\(runAs) gid=\(group) home=\(dir.file("home"))/%u
            }
            mail_location = maildir:~/Maildir
            default_internal_user = \(runAs)
            default_internal_group = \(group)
            default_login_user = \(runAs)
            service imap-login {
              chroot =
              inet_listener imap {
                port = 0
              }
              inet_listener imaps {
                port = \(port)
                ssl = yes
              }
            }
            service anvil {
              chroot =
            }

            """)
        if root { _ = try runProcess(["chown", "-R", "nobody:nogroup", dir.path]) }
        let start = root
            ? ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "/usr/sbin/dovecot", "-c", dir.file("dovecot.conf")]
            : ["/usr/sbin/dovecot", "-c", dir.file("dovecot.conf")]
        // Through Python with close_fds and its output to a file: a daemon that inherited any pipe of
        // this test process (runProcess's, or another test's started meanwhile) would hold it open for good.
        let launcher = "import subprocess, sys; log = open(sys.argv[1], 'w'); "
            + "sys.exit(subprocess.run(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=log, stderr=log, close_fds=True).returncode)"
        let r = try runProcess(["python3", "-c", launcher, dir.file("start.log")] + start)
        guard r.status == 0 else { throw TestSupportError("dovecot did not start: \(log)") }
        guard eventually(10, { (try? runProcess(["sh", "-c", "ss -ltn | grep -q '127.0.0.1:\(port) '"]).status) == 0 }) else {
            throw TestSupportError("dovecot is not listening on \(port): \(log)")
        }
    }

    var log: String { (try? String(contentsOfFile: dir.file("dovecot.log"), encoding: .utf8)) ?? "" }

    /// Delivers `bytes` into the mailbox as a new message (Maildir: a file in new/).
    func deliver(_ bytes: [UInt8], name: String) throws {
        let path = "\(maildir)/new/\(Int(Date().timeIntervalSince1970)).M\(name)P1.test"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        if getuid() == 0 { _ = try runProcess(["chown", "nobody:nogroup", path]) }
    }

    /// The messages left in the mailbox (new/ and cur/).
    func messages() -> [String] {
        ["new", "cur"].flatMap { d in ((try? FileManager.default.contentsOfDirectory(atPath: "\(maildir)/\(d)")) ?? []).map { "\(d)/\($0)" } }
    }

    func stop() {
        guard let text = try? String(contentsOfFile: dir.file("run/master.pid"), encoding: .utf8),
              let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return }
        kill(pid, SIGTERM)
        if !eventually(5, { kill(pid, 0) != 0 }) { kill(pid, SIGKILL) }
    }

    deinit { stop() }
}

@Suite(.serialized) struct BounceMailboxTests {
    @Test(.enabled(if: DovecotInstance.available, "needs Debian's dovecot-imapd (scripts/install-deps)"))
    func muster_runReadsThreeBouncesAndAComplaintActsOnEachAndEmptiesTheMailbox() async throws {
        // Given four members sent the week-before message with VERP senders
        let dovecot = try DovecotInstance()
        defer { dovecot.stop() }
        let b = try BounceHarness(emails: ["ann@example.org", "bo@contoso.com", "cy@gmail.com", "dee@hotmail.com"], extra: """
              bounce_mailbox: imaps://127.0.0.1:\(dovecot.port)/INBOX
              bounce_username_env: MUSTER_BOUNCE_USER
              bounce_password_env: MUSTER_BOUNCE_PASSWORD
              ca_file: \(dovecot.cert)
            """)
        _ = try await b.tick(BounceHarness.weekBefore)
        let sent = try ["ann@example.org", "bo@contoso.com", "cy@gmail.com", "dee@hotmail.com"].map { try b.sent(to: $0) }

        // And in the mailbox: Postfix's bounce for Ann, Exchange's NDR for Bo (no token: by Message-ID),
        // Gmail's delay for Cy, and a spam complaint about Dee's message
        try dovecot.deliver(BounceFixture.postfix(to: sent[0].mailFrom, recipient: "ann@example.org", messageID: sent[0].messageID!), name: "1")
        try dovecot.deliver(BounceFixture.exchange(to: "bounces@example.org", recipient: "bo@contoso.com", messageID: sent[1].messageID!), name: "2")
        try dovecot.deliver(BounceFixture.gmail(to: sent[2].mailFrom, recipient: "cy@gmail.com", messageID: sent[2].messageID!), name: "3")
        try dovecot.deliver(BounceFixture.arf(originalMailFrom: sent[3].mailFrom, recipient: "dee@hotmail.com", messageID: sent[3].messageID!), name: "4")
        #expect(dovecot.messages().count == 4)

        // When `muster run` starts (it reads the mailbox at once, then every few minutes)
        let daemon = try MailboxDaemon(b, environment: [
            "MUSTER_LINK_SECRET": BounceHarness.secret,
            "MUSTER_BOUNCE_USER": DovecotInstance.user, "MUSTER_BOUNCE_PASSWORD": DovecotInstance.password,
        ])
        let done = try await offPool {
            eventually(30) { (try? b.h.strings("SELECT count(*) FROM muster_bounces")) == ["4"] && dovecot.messages().isEmpty }
        }
        daemon.stop()

        // Then each report was acted on and the mailbox is empty
        #expect(done, "daemon log: \(daemon.log)\ndovecot log: \(dovecot.log)")
        #expect(try b.h.strings("SELECT outbox_id || ' ' || kind || ' ' || matched_by FROM muster_bounces ORDER BY outbox_id")
            == ["1 permanent token", "2 permanent message_id", "3 transient token", "4 complaint token"])
        #expect(try b.h.strings("SELECT kind || ' ' || ifnull(member_id, '') || ' ' || email || ' ' || topic FROM muster_suppressions ORDER BY id")
            == ["bounced 1 ann@example.org *", "bounced 2 bo@contoso.com *", "unsubscribed 4  *"])
        #expect(dovecot.messages() == [])
        #expect(daemon.log.contains("bounce_mailbox=read handled=4 kept_aside=0 left=0"), "\(daemon.log)")
        #expect(!daemon.log.contains(DovecotInstance.password))
        let status = try runProcess([try MusterBinary.require(), "status", "--config", b.h.configPath])
        #expect(status.stdout.contains("Bounces: 2 permanent, 1 transient; complaints: 1; kept aside unmatched: 0"), "\(status.stdout)")
    }

    @Test(.enabled(if: DovecotInstance.available, "needs Debian's dovecot-imapd (scripts/install-deps)"))
    func anUntrustedCertificateOrAWrongPasswordLeavesTheMailboxAsItIsAndTheDaemonRunning() async throws {
        let dovecot = try DovecotInstance()
        defer { dovecot.stop() }
        // No ca_file: the self-signed certificate is not trusted
        let b = try BounceHarness(emails: ["ann@example.org"], extra: """
              bounce_mailbox: imaps://127.0.0.1:\(dovecot.port)/INBOX
              bounce_username_env: MUSTER_BOUNCE_USER
              bounce_password_env: MUSTER_BOUNCE_PASSWORD
            """)
        try dovecot.deliver(BounceFixture.postfix(to: "bounces@example.org", recipient: "ann@example.org", messageID: "<x@y>"), name: "1")
        let daemon = try MailboxDaemon(b, environment: [
            "MUSTER_LINK_SECRET": BounceHarness.secret,
            "MUSTER_BOUNCE_USER": DovecotInstance.user, "MUSTER_BOUNCE_PASSWORD": DovecotInstance.password,
        ])
        let logged = try await offPool { eventually(20) { daemon.log.contains("bounce_mailbox=unreadable") } }
        #expect(logged, "\(daemon.log)")
        #expect(daemon.isRunning)
        daemon.stop()
        #expect(dovecot.messages().count == 1)
        #expect(!daemon.log.contains(DovecotInstance.password))
    }
}

/// `muster run` for the mailbox tests, with the environment it needs; stderr to a file.
final class MailboxDaemon: @unchecked Sendable {
    let process = Process()
    let logPath: String

    init(_ b: BounceHarness, environment: [String: String]) throws {
        logPath = b.h.dir.file("run.log")
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: try MusterBinary.require())
        process.arguments = ["run", "--config", b.h.configPath, "--now", "2030-12-04T12:00:00Z"]
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }

    var isRunning: Bool { process.isRunning }
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        if !eventually(20, { !process.isRunning }) { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}
