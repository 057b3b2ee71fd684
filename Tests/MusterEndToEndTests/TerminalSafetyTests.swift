// What reaches a terminal, through the real binary: no password from a transport URL, no control character from data.
import Foundation
import MusterTestSupport
import Testing

/// Issue 18 items 7 and 8.
@Suite struct TerminalSafetyTests {
    static let now = "2026-11-25T08:00:00Z"
    static let hostileName = "Esc\u{1B}[31mRED\u{1B}]0;pwned\u{07}"
    let dir: TemporaryDirectory

    init() throws {
        dir = try TemporaryDirectory()
        try FileManager.default.createSymbolicLink(atPath: dir.file("schedules"), withDestinationPath: Repository.path("schedules"))
        try FileManager.default.createSymbolicLink(atPath: dir.file("templates"), withDestinationPath: Repository.path("templates"))
    }

    func muster(_ args: [String], environment: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        var env = ["MUSTER_LINK_SECRET": String(repeating: "s3cret-", count: 8)]
        for (k, v) in environment { env[k] = v }
        return try MusterBinary.run(args, in: dir.path, environment: env)
    }

    func sqlite(_ sql: String) throws -> String {
        let r = try runProcess(["sqlite3", dir.file("muster.sqlite"), sql])
        #expect(r.status == 0, "\(r.stderr)")
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The scalars a terminal would act on: C0 controls other than the allowed ones, DEL, C1 controls.
    static func controls(_ s: String, allowing allowed: Set<UInt32> = [0x0A, 0x09]) -> [String] {
        s.unicodeScalars.filter { c in
            let v = c.value
            return (v < 0x20 && !allowed.contains(v)) || v == 0x7F || (0x80...0x9F).contains(v)
        }.map { String(format: "U+%04X", $0.value) }
    }

    // MARK: Item 7: a password in MUSTER_TRANSPORT or mail.transport

    @Test func aPasswordInTheTransportURLNeverReachesAnyOutputOfAnyCommand() throws {
        #expect(try muster(["init", "--demo", "--now", Self.now]).status == 0)
        let commands: [[String]] = [
            ["check"], ["plan", "--now", Self.now], ["tick", "--now", Self.now], ["status"],
            ["preview", "welcome", "--member", "1", "--now", Self.now],
            ["send-test", "welcome-1", "--to", "someone@example.org", "--member", "1"],
            ["import", "members", dir.file("none.csv")], ["run", "--now", Self.now], ["init"],
        ]
        for spec in ["smtp://u:S3cr3t@127.0.0.1:1", "smtps://admin@example.org:S3cr3t@relay:465", "smtps//u:S3cr3t@relay:465"] {
            for args in commands {
                // Given the password in MUSTER_TRANSPORT, when any command runs,
                let r = try muster(args, environment: ["MUSTER_TRANSPORT": spec])
                // then it refuses (exit 1) without the password or the user, naming where credentials go.
                let all = r.stdout + r.stderr
                #expect(r.status == 1, "\(args) \(spec): \(all)")
                #expect(!all.contains("S3cr3t"), "\(args) \(spec): \(all)")
                #expect(!all.contains("u:") && !all.contains("admin"), "\(args) \(spec): \(all)")
                #expect(r.stderr.contains("MUSTER_TRANSPORT"), "\(args) \(spec): \(r.stderr)")
                #expect(r.stderr.contains("mail.username_env and mail.password_env"), "\(args) \(spec): \(r.stderr)")
            }
        }
        let r = try muster(["tick"], environment: ["MUSTER_TRANSPORT": "smtp://u:S3cr3t@127.0.0.1:1"])
        #expect(r.stderr == "muster: MUSTER_TRANSPORT: mail.transport: \"smtp://***@127.0.0.1:1\": credentials do not go in the URL: "
            + "put the user name and password in environment variables and name them in mail.username_env and mail.password_env\n")
    }

    @Test func aPasswordInMusterYamlIsRefusedNamingTheLineAndNeverPrinted() throws {
        #expect(try muster(["init", "--demo", "--now", Self.now]).status == 0)
        let yaml = try String(contentsOfFile: dir.file("muster.yaml"), encoding: .utf8)
        let lines = yaml.components(separatedBy: "\n")
        let index = try #require(lines.firstIndex { $0.contains("transport:") })
        var edited = lines
        edited[index] = "  transport: smtp://u:S3cr3t@127.0.0.1:1"
        try edited.joined(separator: "\n").write(toFile: dir.file("muster.yaml"), atomically: true, encoding: .utf8)
        for args in [["check"], ["tick", "--now", Self.now], ["status"], ["plan", "--now", Self.now]] {
            let r = try muster(args)
            #expect(r.status == 1)
            #expect(!(r.stdout + r.stderr).contains("S3cr3t"), "\(args): \(r.stderr)")
            #expect(r.stderr.hasPrefix("muster: muster.yaml:\(index + 1): mail.transport: \"smtp://***@127.0.0.1:1\": credentials do not go in the URL"),
                    "\(args): \(r.stderr)")
        }
    }

    // MARK: Item 8: control characters from data

    @Test func escapesInAMembersNameAndARelaysReplyReachNoTerminalRaw() throws {
        // Given the demo district and a new member whose first name carries CSI, OSC and BEL,
        #expect(try muster(["init", "--demo", "--now", Self.now]).status == 0)
        let id = try sqlite("""
            INSERT INTO members(membership_number, first_name, last_name, email, status, joined_on)
            VALUES ('ESC1', 'Esc' || char(27) || '[31mRED' || char(27) || ']0;pwned' || char(7), 'Tab' || char(9) || 'Del' || char(127) || 'Csi' || char(155),
                    'esc@example.org', 'active', '2026-11-25');
            SELECT last_insert_rowid();
            """)

        // when `plan` lists the welcome it will get,
        let plan = try muster(["plan", "--now", Self.now, "--days", "1", "--limit", "0"])
        #expect(plan.status == 0, "\(plan.stderr)")
        // then no control character is printed, and the name shows its escapes as pictures.
        #expect(Self.controls(plan.stdout + plan.stderr) == [], "\(plan.stdout)")
        // (The subject is rendered from cleaned values already: its controls became spaces.)
        #expect(plan.stdout.contains("Welcome to Dorset NEU, Esc [31mRED ]0;pwned"), "\(plan.stdout)")
        #expect(plan.stdout.contains("#\(id) Esc␛[31mRED␛]0;pwned␇"), "\(plan.stdout)")

        // `preview` prints the message as sent: headers encoded, bodies quoted-printable; only CRLF and tabs.
        let preview = try muster(["preview", "welcome", "--member", id, "--now", Self.now])
        #expect(preview.status == 0, "\(preview.stderr)")
        #expect(Self.controls(preview.stdout + preview.stderr, allowing: [0x0A, 0x0D, 0x09]) == [])
        #expect(preview.stdout.contains("\r\nSubject: Welcome to Dorset NEU, Esc [31mRED ]0;pwned\r\n"), "\(preview.stdout)")
        #expect(preview.stdout.contains("\r\nHello Esc [31mRED ]0;pwned ,\r\n"), "\(preview.stdout)")

        // `tick` delivers it (file transport) and prints its summary;
        let tick = try muster(["tick", "--now", "2026-11-25T09:00:00Z"])
        #expect(tick.status == 0, "\(tick.stderr)")
        #expect(Self.controls(tick.stdout + tick.stderr) == [])

        // `status` lists a relay's reply and a reason that carry escapes (a hostile relay, a hostile value).
        _ = try sqlite("""
            UPDATE muster_outbox SET state = 'queued', attempts = 1, last_reply = '421 busy' || char(27) || ']2;owned' || char(7) || char(13) || char(10) || 'x'
              WHERE member_id = \(id);
            UPDATE muster_outbox SET state = 'failed', reason = 'bad ' || char(27) || '[2J'
              WHERE id = (SELECT min(id) FROM muster_outbox WHERE member_id <> \(id));
            """)
        let status = try muster(["status"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(Self.controls(status.stdout + status.stderr) == [], "\(status.stdout)")
        #expect(status.stdout.contains("reply=\"421 busy␛]2;owned␇␍␊x\""), "\(status.stdout)")
        #expect(status.stdout.contains("bad ␛[2J"), "\(status.stdout)")
    }

    @Test func anErrorQuotingACSVValueShowsItsEscapesVisibly() throws {
        #expect(try muster(["init", "--now", Self.now]).status == 0)
        let csv = "membership_number,first_name,email\nM1,Ann,ann\u{1B}]0;pwned\u{07}@example\n"
        try csv.write(toFile: dir.file("bad.csv"), atomically: true, encoding: .utf8)
        let r = try muster(["import", "members", "bad.csv"])
        #expect(r.status == 1)
        #expect(Self.controls(r.stdout + r.stderr) == [], "\(r.stderr)")
        #expect(r.stderr.contains("ann␛]0;pwned␇@example"), "\(r.stderr)")
    }
}
