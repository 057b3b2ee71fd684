// The daemon under a clock the test moves: a 09:00 step waits for 09:00 without the test sleeping until then.
import Foundation
import Logging
import MusterCore
import MusterDaemon
import MusterMail
import Testing

@Suite struct DaemonClockTests {
    /// Given a member who joined today and a welcome step at 09:00, and the daemon running in this
    /// process on a `ManualClock` set to 08:59,
    /// when the test moves the clock to 09:00,
    /// then the 09:00 welcome is not planned before, and is delivered at once after.
    @Test func aStepAtNineWaitsForTheClockThenGoesAtOnce() async throws {
        let district = try await DaemonDistrict.make(transport: "file:outbox/", extraRules: ["welcome-nine": """
            kind: sequence
            anchor: joined_on
            topic: welcome
            steps:
              - { after: 0d, at: "09:00", template: note }

            """])
        try await district.sql("""
            INSERT INTO members(id, membership_number, first_name, email, status, joined_on)
            VALUES (1, 'N1', 'Ann', 'ann@example.org', 'active', '2026-11-23');
            """)
        let clock = ManualClock(instant("2026-11-23T08:59:00Z"))   // London is on GMT in November
        let config = try Config.load(path: district.config)
        var logger = Logger(label: "daemon-clock-test") { _ in SwiftLogNoOpLogHandler() }
        logger.logLevel = .critical
        let engine = Engine(district: try District.load(config: config),
                            transport: FileTransport(directory: district.dir.file("outbox")), links: nil, logger: logger)
        let daemon = DaemonService(engine: engine, clock: clock) { try $0.makeTransport() }
        let running = Task { try await daemon.run() }
        defer { running.cancel() }

        func nineOClock() async throws -> String {
            try await district.sql("SELECT state FROM muster_outbox WHERE rule = 'welcome-nine';")
        }
        // The first pass (at 08:59) sends the plain welcome, due at once, and nothing of the 09:00 step.
        #expect(try await offPool { try eventually(10) { try district.sql("SELECT count(*) FROM muster_outbox WHERE rule = 'welcome' AND state = 'sent';") == "1" } })
        for _ in 0..<5 {
            clock.advance(by: 10)
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(try await nineOClock() == "")

        clock.set(instant("2026-11-23T09:00:00Z"))
        let started = Date()
        #expect(try await offPool { try eventually(5) { try district.sql("SELECT state FROM muster_outbox WHERE rule = 'welcome-nine';") == "sent" } })
        #expect(Date().timeIntervalSince(started) < 2)
        #expect(try await district.sql("SELECT due_at || ' ' || sent_at FROM muster_outbox WHERE rule = 'welcome-nine';")
                == "2026-11-23T09:00:00Z 2026-11-23T09:00:00Z")

        running.cancel()
        _ = try? await running.value
    }
}
