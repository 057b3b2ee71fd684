// Another program holding the database's write lock is waited for, never an error.
import Foundation
import MusterTestSupport
import Testing

extension DaemonProcessTests {
@Suite struct ConcurrentWriterTests {
    /// Starts a Python process that opens a write transaction on `database`, inserts a member,
    /// says "locked", holds the lock `seconds`, then commits and exits.
    static func holdWriteLock(_ database: String, seconds: Double, joinedOn: String = "2020-01-01") throws -> (Process, Pipe) {
        let script = """
            import sqlite3, sys, time
            c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
            c.execute("BEGIN IMMEDIATE")
            c.execute("INSERT INTO members(id, membership_number, first_name, email, status, joined_on) "
                      "VALUES (5000, 'N5000', 'Late', 'late@example.org', 'active', ?)", (sys.argv[3],))
            print("locked", flush=True)
            time.sleep(float(sys.argv[2]))
            c.execute("COMMIT")
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, database, String(seconds), joinedOn]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let said = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        guard said.hasPrefix("locked") else { throw TestSupportError("the lock holder did not start: \(said)") }
        return (p, out)
    }

    /// Given 300 meeting reminders due and another process holding a write transaction for 2 s,
    /// when `muster tick` runs,
    /// then it waits for the lock (opening the database already does: the migration check writes),
    /// completes without error, and delivers all 300 and the reminder of the member the other
    /// process inserted.
    @Test func aTickWaitsForAnotherWritersTransaction() async throws {
        let server = try await startTestServer()
        let district = try await DaemonDistrict.make(transport: server.url)
        try await district.addMembers(300)
        try await district.sql("INSERT INTO events(id, kind, title, starts_at) VALUES (1, 'meeting', 'AGM', '2026-11-24T09:00:00Z');")

        let (tick, waited, holderStatus) = try await offPool { () throws -> ((status: Int32, stdout: String, stderr: String), Double, Int32) in
            let (holder, _) = try Self.holdWriteLock(district.database, seconds: 2)
            let started = Date()
            let tick = try MusterBinary.run(["tick", "--config", district.config, "--now", "2026-11-23T09:00:00Z"], in: district.dir.path)
            let waited = Date().timeIntervalSince(started)
            holder.waitUntilExit()
            return (tick, waited, holder.terminationStatus)
        }

        #expect(tick.status == 0, "\(tick.stderr)")
        #expect(waited >= 1.5, "the tick did not wait for the lock (\(waited) s)")
        #expect(holderStatus == 0)
        #expect(tick.stdout.contains("planned    301 due now: 301 newly queued"), "\(tick.stdout)")
        #expect(tick.stdout.contains("delivered  301 sent, 0 deferred, 0 failed; 0 expired unsent"), "\(tick.stdout)")
        #expect(!tick.stderr.contains("error"), "\(tick.stderr)")
        #expect(try await server.receivedOffPool().count == 301)
        #expect(try await district.sql("SELECT count(*) FROM members;") == "301")
    }

    /// Given a daemon delivering 1,000 reminders, when another process holds the write lock for
    /// 2 s mid-delivery while inserting a member who joined today, then the daemon's delivery
    /// pauses for the lock, no error is logged, and after the commit the newcomer is planned too.
    @Test func theDaemonWaitsForAnotherWriterAndThenPlansWhatItWrote() async throws {
        let server = try await startTestServer()
        let district = try await DaemonDistrict.make(transport: server.url, concurrency: 1)
        try await district.addMembers(1_000)
        try await district.sql("INSERT INTO events(id, kind, title, starts_at) VALUES (1, 'meeting', 'AGM', '2026-11-24T09:00:00Z');")
        let daemon = try DaemonProcess(district, arguments: ["--now", "2026-11-23T09:00:00Z"])
        let (sentEarly, sentLate, status) = try await offPool { () throws -> (String, String, Int32) in
            try daemon.waitForLog("status=sent")
            let (holder, _) = try Self.holdWriteLock(district.database, seconds: 2, joinedOn: "2026-11-23")
            usleep(800_000)
            let sentEarly = try district.sql("SELECT count(*) FROM muster_outbox WHERE state = 'sent';")
            usleep(800_000)
            let sentLate = try district.sql("SELECT count(*) FROM muster_outbox WHERE state = 'sent';")
            holder.waitUntilExit()
            _ = try eventually(30) { try server.received().count >= 1_002 }
            daemon.signal(SIGTERM)
            return (sentEarly, sentLate, daemon.waitForExit())
        }
        #expect(status == 0)
        #expect(sentEarly == sentLate, "the daemon wrote while another process held the lock")
        #expect(Int(sentLate) ?? 0 < 1_000)
        #expect(try await district.sql("SELECT state || ' ' || count(*) FROM muster_outbox GROUP BY state;") == "sent 1002")
        #expect(try await server.receivedOffPool().filter { $0.rcptTos == ["late@example.org"] }.count == 2)
        #expect(!daemon.log.contains(" error "), "\(daemon.log)")
        #expect(daemon.log.contains("pass=members members=1 due=2 queued=2"), "\(daemon.log)")
    }
}
}
