// `muster run` as a person runs it: the real binary, a real SMTP server, signals.
// Waits on the child run in `offPool` blocks, on threads of their own (see DaemonFixture.swift).
import Foundation
import MusterTestSupport
import Testing

extension DaemonProcessTests {
@Suite struct DaemonTests {
    /// Given a running daemon over 500 members,
    /// when another program (the sqlite3 CLI) inserts a member who joined today,
    /// then their welcome arrives within 2 seconds, planned for that member alone.
    @Test func welcomesAMemberInsertedByAnotherProgramWithinTwoSeconds() async throws {
        let server = try await startTestServer()
        let district = try await DaemonDistrict.make(transport: server.url)
        try await district.addMembers(500)
        let daemon = try DaemonProcess(district, arguments: ["--now", "2026-11-23T12:00:00Z"])
        let (arrived, seconds, pass) = try await offPool { () throws -> (Bool, Double, String) in
            try daemon.waitForLog("pass=everything reason=start")
            usleep(300_000)
            let inserted = Date()
            try district.sql("""
                INSERT INTO members(id, membership_number, first_name, email, status, joined_on)
                VALUES (1001, 'N1001', 'Nia', 'nia@example.org', 'active', '2026-11-23');
                """)
            let arrived = try eventually(5) { try server.received().contains { $0.rcptTos == ["nia@example.org"] } }
            return (arrived, Date().timeIntervalSince(inserted), try daemon.waitForLog("pass=members"))
        }

        #expect(arrived)
        #expect(seconds <= 2, "took \(seconds) s")
        #expect(pass.contains("pass=members members=1 due=1 queued=1 suppressed=0 failed=0"), "\(pass)")
        #expect(daemon.log.components(separatedBy: "pass=everything").count == 2, "the district was planned again:\n\(daemon.log)")
        #expect(try await server.receivedOffPool().count == 1)
        daemon.signal(SIGTERM)
        #expect(try await offPool { daemon.waitForExit() } == 0)
    }

    /// Given a step at 09:00 for members who joined that day, and the daemon started at 08:59:58,
    /// when nothing else happens,
    /// then time alone makes the step due: it is planned at 09:00 and sent, not a poll's hour later.
    @Test func plansAStepThatTimeAloneMakesDue() async throws {
        let server = try await startTestServer()
        let morning = """
            kind: sequence
            anchor: joined_on
            topic: welcome
            steps:
              - { after: 0d, at: "09:00", template: note }

            """
        let district = try await DaemonDistrict.make(transport: server.url, extraRules: ["morning": morning])
        try await district.sql("""
            INSERT INTO members(id, membership_number, first_name, email, status, joined_on)
            VALUES (1, 'N1', 'Ann', 'ann@example.org', 'active', '2026-11-23');
            """)
        let daemon = try DaemonProcess(district, arguments: ["--now", "2026-11-23T08:59:58Z"])
        let (first, timed, both) = try await offPool { () throws -> (String, String, Bool) in
            let first = try daemon.waitForLog("pass=everything reason=start")
            let timed = try daemon.waitForLog("pass=everything reason=time", timeout: 10)
            return (first, timed, try eventually(3) { try server.received().count == 2 })
        }
        #expect(first.contains("due=1 queued=1"), "only the welcome (no 'at') is due at start: \(first)")
        #expect(first.contains("next_plan=2026-11-23T09:00:00Z"), "\(first)")
        #expect(timed.contains("due=2 queued=1"), "\(timed)")
        #expect(both)
        #expect(try await district.sql("SELECT rule || ' ' || due_at || ' ' || state FROM muster_outbox ORDER BY id;")
            == "welcome 2026-11-23T00:00:00Z sent\nmorning 2026-11-23T09:00:00Z sent")
        daemon.signal(SIGTERM)
        #expect(try await offPool { daemon.waitForExit() } == 0)
    }

    /// Given 2,000 messages being delivered,
    /// when SIGTERM arrives,
    /// then the daemon finishes the batch in flight, records it, and exits 0: nothing is left
    /// `sending`, and everything marked sent was received.
    @Test func stopsOnSigtermAfterFinishingTheMessagesInFlight() async throws {
        let server = try await startTestServer()
        let district = try await DaemonDistrict.make(transport: server.url)
        try await district.addMembers(2_000)
        try await district.sql("INSERT INTO events(id, kind, title, starts_at) VALUES (1, 'meeting', 'AGM', '2026-11-24T09:00:00Z');")
        let daemon = try DaemonProcess(district, arguments: ["--now", "2026-11-23T09:00:00Z"])
        let status = try await offPool { () throws -> Int32 in
            try daemon.waitForLog("status=sent")
            daemon.signal(SIGTERM)
            return daemon.waitForExit()
        }

        #expect(status == 0)
        #expect(daemon.log.contains("daemon=stopped reason=\"graceful shutdown\""))
        #expect(try await district.sql("SELECT count(*) FROM muster_outbox WHERE state = 'sending';") == "0")
        let sent = Int(try await district.sql("SELECT count(*) FROM muster_outbox WHERE state = 'sent';")) ?? -1
        #expect(sent > 0 && sent < 2_000, "sent \(sent)")
        #expect(try await server.receivedOffPool().count == sent)
    }

    /// Given a running daemon,
    /// when a broken schedule is added and SIGHUP sent, then it says why (file and line) and keeps
    /// its rules; when the schedule is mended and SIGHUP sent again, the new rule takes effect.
    @Test func reloadsOnSighupAndKeepsTheOldRulesWhenTheNewOnesAreBroken() async throws {
        let server = try await startTestServer()
        let district = try await DaemonDistrict.make(transport: server.url)
        try await district.sql("""
            INSERT INTO members(id, membership_number, first_name, email, status, joined_on)
            VALUES (1, 'N1', 'Ann', 'ann@example.org', 'active', '2026-11-01');
            """)
        let daemon = try DaemonProcess(district, arguments: ["--now", "2026-11-23T12:00:00Z"])
        let (failed, running, ok, pass, received) = try await offPool { () throws -> (String, Bool, String, String, Bool) in
            try daemon.waitForLog("pass=everything reason=start")
            try district.dir.write("schedules/hello.yaml", """
                kind: sequence
                anchor: joined_on
                topic: hello
                steps:
                  - { after: 22 days, template: note }

                """)
            daemon.signal(SIGHUP)
            let failed = try daemon.waitForLog("reload=failed")
            let running = daemon.process.isRunning
            try district.dir.write("schedules/hello.yaml", """
                kind: sequence
                anchor: joined_on
                topic: hello
                steps:
                  - { after: 22d, template: note }

                """)
            daemon.signal(SIGHUP)
            let ok = try daemon.waitForLog("reload=ok")
            let pass = try daemon.waitForLog("pass=everything reason=reload")
            return (failed, running, ok, pass, try eventually(3) { try server.received().count == 1 })
        }
        #expect(failed.hasSuffix("""
            reload=failed kept=previous error="schedules/hello.yaml:5: step 1: 'after' must look like '7d' or '36h' (got '22 days')"
            """), "\(failed)")
        #expect(running)
        #expect(ok.hasSuffix("reload=ok rules=3"), "\(ok)")
        #expect(pass.contains("due=1 queued=1"), "\(pass)")
        #expect(received)
        daemon.signal(SIGTERM)
        #expect(try await offPool { daemon.waitForExit() } == 0)
    }

    /// Log lines carry ids, never an address, a name or a body.
    @Test func logsIdsButNoAddressesNamesOrBodies() async throws {
        let server = try await startTestServer()
        let district = try await DaemonDistrict.make(transport: server.url)
        try await district.sql("""
            INSERT INTO members(id, membership_number, first_name, email, status, joined_on)
            VALUES (7, 'N7', 'Zebedee', 'zebedee@example.org', 'active', '2026-11-23');
            """)
        let daemon = try DaemonProcess(district, arguments: ["--now", "2026-11-23T12:00:00Z", "--log-level", "trace"])
        let (line, status) = try await offPool { () throws -> (String, Int32) in
            let line = try daemon.waitForLog("status=sent")
            daemon.signal(SIGTERM)
            return (line, daemon.waitForExit())
        }
        #expect(status == 0)
        #expect(line.hasSuffix("outbox=1 member=7 rule=welcome step=1 status=sent attempt=1 reply=\"250 2.0.0 Ok: queued as 1\""), "\(line)")
        for secret in ["zebedee", "Zebedee", "Hello", "Test District"] {
            #expect(!daemon.log.contains(secret), "the log holds \"\(secret)\"")
        }
    }
}
}
