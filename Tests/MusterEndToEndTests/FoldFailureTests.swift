// Results are folded into the outbox beside delivery: when a fold fails, what was sent is still
// journaled, delivery stops, and the next start records it without sending it again.
import Foundation
import MusterTestSupport
import Testing

extension DaemonProcessTests {
@Suite struct FoldFailureTests {
    /// Given 1,000 meeting reminders due at T, one connection, and an outbox that refuses to mark
    /// anything sent (a trigger standing in for a full disk),
    /// when `muster tick --now T` runs against a real SMTP server,
    /// then the tick fails and names the database's error, delivery stops soon after the first fold
    /// (which comes after 256 results or half a second) instead of running through the queue, and
    /// every message the server took is in the delivery journal;
    /// and when the trigger is gone and the tick runs again, the journal is recorded first: each
    /// member gets the reminder exactly once, the outbox says sent for all, and the journal is empty.
    @Test func aFoldThatFailsStopsDeliveryAndTheJournalKeepsWhatWasSent() async throws {
        let members = 1_000
        let server = try await startTestServer()
        let district = try await DaemonDistrict.make(transport: server.url, concurrency: 1)
        try await district.addMembers(members)
        try await district.sql("""
            INSERT INTO events(id, kind, title, starts_at) VALUES (1, 'meeting', 'AGM', '2026-11-24T09:00:00Z');
            CREATE TRIGGER refuse_sent BEFORE UPDATE OF state ON muster_outbox WHEN NEW.state = 'sent'
            BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;
            """)
        let now = "2026-11-23T09:00:00Z"
        let journalPath = district.dir.path + "/muster.sqlite-deliveries"

        let first = try await offPool { try MusterBinary.run(["tick", "--config", district.config, "--now", now], in: district.dir.path) }
        #expect(first.status != 0)
        #expect(first.stderr.contains("database or disk is full"), "\(first.stderr)")
        let sentFirst = try await server.receivedOffPool()
        let journaled = (try? String(contentsOfFile: journalPath, encoding: .utf8))?.split(separator: "\n") ?? []
        // The fold fails at once; the connection may go on while it runs, but stops at the next
        // result after it failed (and never gets more than 1,024 results ahead of a fold).
        #expect(sentFirst.count > 0)
        #expect(sentFirst.count < members)
        #expect(journaled.count == sentFirst.count)
        #expect(journaled.allSatisfy { $0.hasPrefix("v1 ") && $0.contains(" S 0 ") })
        #expect(try await district.sql("SELECT count(*) FROM muster_outbox WHERE state = 'sent';") == "0")

        try await district.sql("DROP TRIGGER refuse_sent;")
        let second = try await offPool { try MusterBinary.run(["tick", "--config", district.config, "--now", now], in: district.dir.path) }
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("delivered  \(members - sentFirst.count) sent, 0 deferred, 0 failed"), "\(second.stdout)")
        let received = try await server.receivedOffPool()
        #expect(received.count == members)
        #expect(Set(received.map(\.messageID)).count == members)
        #expect(Set(received.flatMap(\.rcptTos)).count == members)
        #expect(try await district.sql("SELECT state, count(*) FROM muster_outbox GROUP BY state;") == "sent|\(members)")
        #expect(((try? Data(contentsOf: URL(fileURLWithPath: journalPath)))?.count ?? 0) == 0)
    }
}
}
