import Foundation
import MusterTestSupport
import Testing

/// What a careless admin or a hostile file did to muster (issue 18 items 3, 5, 6, 9, 10), through
/// the real binary on a real folder: exit codes, the exact messages, and what changed on disk.
@Suite struct CarelessAdminTests {
    let dir: TemporaryDirectory
    static let now = "2026-11-25T12:00:00Z"

    init() throws {
        dir = try TemporaryDirectory()
        try FileManager.default.createSymbolicLink(atPath: dir.file("schedules"), withDestinationPath: Repository.path("schedules"))
        try FileManager.default.createSymbolicLink(atPath: dir.file("templates"), withDestinationPath: Repository.path("templates"))
    }

    static let environment = ["MUSTER_LINK_SECRET": String(repeating: "s3cret-", count: 8)]

    func muster(_ args: String..., environment: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        try MusterBinary.run(args, in: dir.path, environment: CarelessAdminTests.environment.merging(environment) { $1 })
    }

    /// `muster ARGS` through `sh -c "umask U; ... exec muster"`, optionally after a shell `prelude`.
    func shell(_ args: [String], umask: String = "022", prelude: String = "") throws -> (status: Int32, stdout: String, stderr: String) {
        let binary = try MusterBinary.require()
        let script = "umask \(umask) && \(prelude) exec \"$0\" \"$@\""
        var env = CarelessAdminTests.environment
        env["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return try runIn(dir.path, ["sh", "-c", script, binary] + args, environment: env)
    }

    func sqlite(_ sql: String) throws -> String {
        try runProcess(["sqlite3", dir.file("muster.sqlite"), sql]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func mode(_ path: String) throws -> String {
        try runProcess(["stat", "-c", "%a", path]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func names(in folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.file(folder)).sorted()
    }

    // MARK: 3. A sync of one row

    @Test func aSyncOfOneRowIsRefusedNamingTheCountAndGoesAheadWhenThatCountIsExpected() throws {
        #expect(try muster("init", "--demo", "--now", CarelessAdminTests.now).status == 0)
        let notLeft = Int(try sqlite("select count(*) from members where status <> 'left'"))!
        let before = try sqlite("select group_concat(status, '') from members order by id")
        let one = try sqlite("select membership_number || ',' || first_name from members where status = 'active' order by id limit 1")
        try dir.write("members.csv", "membership_number,first_name\n\(one)\n")
        // When a sync names one member
        let refused = try muster("import", "members", "members.csv", "--sync")
        // Then it is refused, saying how many and how to confirm, and nothing changed
        let marking = notLeft - 1
        #expect(refused.status == 1)
        #expect(refused.stderr == """
            muster: members.csv: this sync would mark \(marking) of \(notLeft) members left; unconfirmed, a sync marks at most \
            \(notLeft / 10) (50 or 10% of the members, whichever is more); nothing was changed. If the file is the whole \
            membership, run the import again with --expect-left \(marking) (or --yes)

            """)
        #expect(try sqlite("select group_concat(status, '') from members order by id") == before)
        // (the demo's own history of leavers is in the record already, from source 'demo history')
        #expect(try sqlite("select count(*) from muster_status_changes where source <> 'demo history'") == "0")
        // And a wrong count is refused too
        let wrong = try muster("import", "members", "members.csv", "--sync", "--expect-left", "12")
        #expect(wrong.status == 1)
        #expect(wrong.stderr == "muster: members.csv: this sync would mark \(marking) of \(notLeft) members left, not the 12 that --expect-left names; nothing was changed\n")
        // And the flags need --sync
        #expect(try muster("import", "members", "members.csv", "--yes").status == 2)
        // When the count is expected, it goes ahead and every change is recorded with what it was
        let done = try muster("import", "members", "members.csv", "--sync", "--expect-left", String(marking))
        #expect(done.status == 0, "\(done.stderr)")
        #expect(done.stdout == "members.csv: 1 rows: 0 new, 0 updated, 1 unchanged, \(marking) marked left\n")
        #expect(try sqlite("select count(*) from muster_status_changes where to_status = 'left' and source = 'sync members.csv'") == String(marking))
        // And the record undoes it: every member's status is back as it was
        _ = try sqlite("""
            update members set status = (select c.from_status from muster_status_changes c
                                         where c.member_id = members.id and c.source = 'sync members.csv')
            where id in (select member_id from muster_status_changes where source = 'sync members.csv')
            """)
        #expect(try sqlite("select group_concat(status, '') from members order by id") == before)
    }

    // MARK: 5. Modes whatever the umask

    @Test func theDatabaseItsJournalsTheOutboxAndItsMessagesAreOwnerOnlyUnderUmask022() throws {
        let initialised = try shell(["init", "--demo", "--now", CarelessAdminTests.now])
        #expect(initialised.status == 0, "\(initialised.stderr)")
        let tick = try shell(["tick", "--now", CarelessAdminTests.now])
        #expect(tick.status == 0, "\(tick.stderr)")
        #expect(tick.stdout.contains("81 sent"), "\(tick.stdout)")
        // A file the shell makes under the same umask is world-readable: the umask is in force
        #expect(try shell(["status"], prelude: ": > control.txt &&").status == 0)
        #expect(try mode(dir.file("control.txt")) == "644")

        #expect(try mode(dir.file("muster.sqlite")) == "600")
        #expect(try mode(dir.file("outbox")) == "700")
        let messages = try names(in: "outbox")
        #expect(messages.count == 81)  // the demo calendar (issue 13) and its changed events (issue 12), within the member limits; the Chicago members' Lorient reminders, found at 06:00 their time, wait for 08:00
        for m in messages { #expect(try mode(dir.file("outbox/\(m)")) == "600", "\(m)") }

        // The -wal and -shm files live while a process has the database open: look while the daemon runs
        let yaml = try String(contentsOfFile: dir.file("muster.yaml"), encoding: .utf8)
        try yaml.replacingOccurrences(of: "listen: 127.0.0.1:8025", with: "listen: 127.0.0.1:0")
            .write(toFile: dir.file("muster.yaml"), atomically: true, encoding: .utf8)
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: "/bin/sh")
        daemon.arguments = ["-c", "umask 022 && exec \"$0\" run --now \(CarelessAdminTests.now)", try MusterBinary.require()]
        daemon.currentDirectoryURL = dir.url
        daemon.environment = ProcessInfo.processInfo.environment.merging(CarelessAdminTests.environment) { $1 }
        daemon.standardOutput = FileHandle.nullDevice
        daemon.standardError = FileHandle.nullDevice
        try daemon.run()
        defer { kill(daemon.processIdentifier, SIGKILL); daemon.waitUntilExit() }
        let journals = ["muster.sqlite-shm", "muster.sqlite-wal"]
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, daemon.isRunning,
              !journals.allSatisfy({ FileManager.default.fileExists(atPath: dir.file($0)) }) { usleep(20_000) }
        for j in journals { #expect(try mode(dir.file(j)) == "600", "\(j)") }
        #expect(try mode(dir.file("muster.sqlite")) == "600")
    }

    // MARK: 6. Only init creates a database

    @Test func everyCommandButInitRefusesAMissingDatabaseNamingItAndCreatesNothing() throws {
        #expect(try muster("init", "--demo", "--now", CarelessAdminTests.now).status == 0)
        try dir.write("members.csv", "membership_number,first_name\nZ1,Zed\n")
        let typo = dir.file("typo.sqlite")
        let commands: [[String]] = [
            ["status"], ["tick", "--now", CarelessAdminTests.now], ["plan", "--now", CarelessAdminTests.now], ["check"],
            ["preview", "welcome", "--member", "1"], ["import", "members", "members.csv"],
            ["send-test", "welcome-1", "--to", "organiser@example.org"], ["run"],
        ]
        let before = try names(in: ".")
        for args in commands {
            let r = try MusterBinary.run(args, in: dir.path, environment: CarelessAdminTests.environment.merging(["MUSTER_DATABASE": "typo.sqlite"]) { $1 })
            #expect(r.status == 1, "\(args): \(r.stderr)")
            #expect(r.stderr == "muster: the database \(typo) does not exist; run 'muster init' first, or check MUSTER_DATABASE (it replaces 'database:' in muster.yaml)\n", "\(args)")
        }
        #expect(try names(in: ".") == before)
        // A mistyped database: line says so too
        let yaml = try String(contentsOfFile: dir.file("muster.yaml"), encoding: .utf8)
        try yaml.replacingOccurrences(of: "database: muster.sqlite", with: "database: musters.sqlite")
            .write(toFile: dir.file("muster.yaml"), atomically: true, encoding: .utf8)
        let status = try muster("status")
        #expect(status.status == 1)
        #expect(status.stderr == "muster: the database \(dir.file("musters.sqlite")) does not exist; run 'muster init' first, or check 'database:' in muster.yaml\n")
        #expect(!FileManager.default.fileExists(atPath: dir.file("musters.sqlite")))
        // And init creates it
        #expect(try muster("init").status == 0)
        #expect(FileManager.default.fileExists(atPath: dir.file("musters.sqlite")))
    }

    // MARK: 9. Web addresses

    @Test func aJavascriptURLIsRefusedAtImportAndNeverRenderedWhenWrittenBehindMustersBack() throws {
        #expect(try muster("init", "--demo", "--now", CarelessAdminTests.now).status == 0)
        try dir.write("events.csv", """
            id,kind,title,starts_at,url
            900,meeting,Pay meeting,2026-12-01T18:00:00Z,javascript:alert(document.cookie)

            """)
        let r = try muster("import", "events", "events.csv")
        #expect(r.status == 1)
        #expect(r.stderr == "muster: events.csv:2: column 'url': \"javascript:alert(document.cookie)\" is not a web address (write one starting https:// or http://)\n")
        #expect(try sqlite("select count(*) from events where id = 900") == "0")

        // Another program writes one: the reps' newsletter carries the good address and not the bad one
        _ = try sqlite("""
            update events set url = 'javascript:alert(document.cookie)';
            update events set url = 'https://example.org/good' where id = (select min(id) from events where starts_at > '2026-11-25');
            """)
        let rep = try sqlite("select min(member_id) from reps")
        let preview = try muster("preview", "reps-weekly", "--member", rep, "--now", "2026-11-30T07:00:00Z")
        #expect(preview.status == 0, "\(preview.stderr)")
        let parts = try runProcess(["python3", "-c", """
            import sys
            from email import message_from_bytes, policy
            m = message_from_bytes(sys.stdin.buffer.read(), policy=policy.default)
            for part in m.walk():
                if part.get_content_maintype() == 'text':
                    print(part.get_content_type(), part.get_content())
            """], input: Data(preview.stdout.utf8)).stdout
        #expect(parts.contains("text/html"), "\(parts)")
        #expect(parts.contains("<a href=\"https://example.org/good\">"), "\(parts)")
        #expect(!parts.lowercased().contains("javascript"))
    }

    // MARK: 10. Smaller

    @Test func aDuplicateYAMLKeyIsRefusedWithFileAndLine() throws {
        #expect(try muster("init").status == 0)
        var yaml = try String(contentsOfFile: dir.file("muster.yaml"), encoding: .utf8)
        if !yaml.hasSuffix("\n") { yaml += "\n" }
        try (yaml + "database: other.sqlite\n").write(toFile: dir.file("muster.yaml"), atomically: true, encoding: .utf8)
        let line = yaml.filter { $0 == "\n" }.count + 1
        let r = try muster("check")
        #expect(r.status == 1)
        #expect(r.stderr == "muster: muster.yaml:\(line): the key 'database' appears twice in the same mapping; keep one\n")
        // In a nested mapping too
        try yaml.replacingOccurrences(of: "  rate: 30/minute\n", with: "  rate: 30/minute\n  rate: 5/second\n")
            .write(toFile: dir.file("muster.yaml"), atomically: true, encoding: .utf8)
        let nested = try muster("check")
        let rateLine = 1 + (yaml.components(separatedBy: "  rate: 30/minute")[0].filter { $0 == "\n" }.count + 1)
        #expect(nested.stderr == "muster: muster.yaml:\(rateLine): the key 'rate' appears twice in the same mapping; keep one\n")
    }

    @Test func aFileThatIsNotADatabaseIsNamedInTheError() throws {
        #expect(try muster("init").status == 0)
        for f in try names(in: ".") where f.hasPrefix("muster.sqlite") { try FileManager.default.removeItem(atPath: dir.file(f)) }
        try dir.write("muster.sqlite", String(repeating: "this is not a database\n", count: 200))
        let r = try muster("status")
        #expect(r.status == 4)
        #expect(r.stderr == "muster: the database \(dir.file("muster.sqlite")): SQLite error 26: file is not a database\n")
        // An error met later, in a query, names the file too
        try FileManager.default.removeItem(atPath: dir.file("muster.sqlite"))
        #expect(try muster("init").status == 0)
        _ = try sqlite("drop table muster_outbox_messages; drop table muster_outbox")
        let later = try muster("status")
        #expect(later.status == 4)
        #expect(later.stderr == "muster: the database \(dir.file("muster.sqlite")): SQLite error 1: no such table: muster_outbox\n")
    }

    @Test func aFullOutboxFileSystemIsReportedAsFull() throws {
        #expect(try muster("init", "--demo", "--now", CarelessAdminTests.now).status == 0)
        try FileManager.default.createDirectory(atPath: dir.file("outbox"), withIntermediateDirectories: false)
        // A tmpfs of one page over outbox/, in a mount namespace of the tick's own (no root needed)
        let binary = try MusterBinary.require()
        let r = try runIn(dir.path, [
            "unshare", "--map-root-user", "--mount", "sh", "-c",
            "mount -t tmpfs -o size=4k tmpfs outbox && exec \"$0\" tick --now \(CarelessAdminTests.now)", binary,
        ], environment: CarelessAdminTests.environment)
        #expect(r.stderr.contains("outbox="), "\(r.status) \(r.stderr)")
        let replies = try sqlite("select distinct last_reply from muster_outbox where last_reply like 'file transport:%'")
        #expect(replies == "file transport: cannot write in \(dir.file("outbox")): no space left on device", "\(replies)")
        #expect(!replies.contains("check that it exists"))
    }

    @Test func aHeaderOfAHundredThousandUnusedColumnsGivesOneWarningLine() throws {
        #expect(try muster("init").status == 0)
        var header = "membership_number,first_name", row = "Z1,Zed"
        for i in 1...100_000 { header += ",c\(i)"; row += ",x" }
        try dir.write("members.csv", header + "\n" + row + "\n")
        let r = try muster("import", "members", "members.csv")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr == "warning: members.csv:1: 100000 columns are not used: 'c1', 'c2', 'c3', 'c4', 'c5' and 99995 more\n")
        #expect(r.stdout == "members.csv: 1 rows: 1 new, 0 updated, 0 unchanged\n")
    }

    @Test func aJoinDateMoreThanAYearAheadIsRefusedAndEST5EDTIsTaken() throws {
        #expect(try muster("init").status == 0)
        try dir.write("members.csv", "membership_number,first_name,joined_on,timezone\nZ1,Zed,9999-12-31,EST5EDT\nZ2,Zoe,2026-01-05,EST5EDT\n")
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let today = calendar.dateComponents([.year, .month, .day], from: Date())
        let latest = String(format: "%04d-%02d-%02d", today.year! + 1, today.month!, today.month == 2 && today.day == 29 ? 28 : today.day!)
        let r = try muster("import", "members", "members.csv")
        #expect(r.status == 1)
        #expect(r.stderr == "muster: members.csv:2: column 'joined_on': \"9999-12-31\" is more than a year from now (the latest a member can have joined is \(latest))\n")
        try dir.write("members.csv", "membership_number,first_name,joined_on,timezone\nZ2,Zoe,2026-01-05,EST5EDT\n")
        let ok = try muster("import", "members", "members.csv")
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(try sqlite("select timezone from members where membership_number = 'Z2'") == "EST5EDT")
    }
}

/// Runs `arguments` (through /usr/bin/env) in `directory` with `environment` added to this process's.
func runIn(_ directory: String, _ arguments: [String], environment: [String: String]) throws -> (status: Int32, stdout: String, stderr: String) {
    try MusterBinary.runProgram("/usr/bin/env", arguments, in: directory, environment: environment)
}
