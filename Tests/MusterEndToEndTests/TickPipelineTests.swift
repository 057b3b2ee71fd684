// A large tick renders beside delivery: every message still goes once, and the summary adds up.
import Foundation
import MusterTestSupport
import Testing

extension DaemonProcessTests {
@Suite struct TickPipelineTests {
    /// Given 2,500 meeting reminders due at T (more than a tick renders before delivering),
    /// when `muster tick --now T` runs against a real SMTP server, and again,
    /// then each arrives exactly once and the summary counts them all; the second tick sends nothing.
    @Test func aLargeTickDeliversEachMessageOnceWhileStillRendering() async throws {
        let server = try await startTestServer()
        let district = try await DaemonDistrict.make(transport: server.url)
        try await district.addMembers(2_500)
        try await district.sql("INSERT INTO events(id, kind, title, starts_at) VALUES (1, 'meeting', 'AGM', '2026-11-24T09:00:00Z');")
        let (first, second) = try await offPool { () throws -> (String, String) in
            let a = try MusterBinary.run(["tick", "--config", district.config, "--now", "2026-11-23T09:00:00Z"], in: district.dir.path)
            let b = try MusterBinary.run(["tick", "--config", district.config, "--now", "2026-11-23T09:00:00Z"], in: district.dir.path)
            guard a.status == 0, b.status == 0 else { throw TestSupportError("tick failed: \(a.stderr)\n\(b.stderr)") }
            return (a.stdout, b.stdout)
        }
        #expect(first.contains("planned    2500 due now: 2500 newly queued"), "\(first)")
        #expect(first.contains("delivered  2500 sent, 0 deferred, 0 failed"), "\(first)")
        #expect(second.contains("0 newly queued"))
        #expect(second.contains("delivered  0 sent, 0 deferred, 0 failed"))
        let received = try await server.receivedOffPool()
        #expect(received.count == 2_500)
        #expect(Set(received.map(\.messageID)).count == 2_500)
        #expect(try await offPool { try district.sql("SELECT state, count(*) FROM muster_outbox GROUP BY state;") } == "sent|2500")
    }
}
}
