// Crash safety of the real binary: SIGKILL at random moments while it delivers, restart, lose nothing.
import Foundation
import MusterTestSupport
import Testing

extension DaemonProcessTests {
@Suite struct KillTests {
    /// Given 1,500 meeting reminders due at T, `concurrency: 4`, and a real SMTP server that
    /// takes 50 ms over each message's data,
    /// when `muster run --now T` is killed with SIGKILL at random moments of its delivery and
    /// restarted each time,
    /// then every message arrives at least once; a message arrives twice only if it was in flight
    /// at a kill, and at most one per connection per kill (the RFC 1047 window: 4 x kills);
    /// and a repeat carries the same Message-ID and the same bytes.
    @Test func killedMidDeliveryLosesNothingAndRepeatsAtMostOnePerConnectionPerKill() async throws {
        let members = 1_500, concurrency = 4
        let server = try await startTestServer(options: ["--data-delay", "0.05"])
        let district = try await DaemonDistrict.make(transport: server.url, concurrency: concurrency)
        try await district.addMembers(members)
        try await district.sql("INSERT INTO events(id, kind, title, starts_at) VALUES (1, 'meeting', 'AGM', '2026-11-24T09:00:00Z');")
        let now = "2026-11-23T09:00:00Z"

        struct Runs: Sendable {
            var inFlightAtKills: Set<String> = []
            var kills = 0
            /// Per start: the number of entries `sending` before it, and its `daemon=started` line.
            var starts: [(expected: Int, line: String)] = []
            var lastExit: Int32 = -1
            /// Replies in the journal and not yet in the outbox, summed over the kills.
            var journaledAtKills = 0
        }
        let runs = try await offPool { () throws -> Runs in
            var r = Runs()
            var expected = 0
            var generator = SystemRandomNumberGenerator()
            while r.kills < 4 {
                let daemon = try DaemonProcess(district, arguments: ["--now", now], logName: "run\(r.kills).log")
                r.starts.append((expected, try daemon.waitForLog("daemon=started")))
                // Some delivery has begun: kill at a random moment after that.
                _ = try? daemon.waitForLog("status=sent", timeout: 10)
                usleep(UInt32.random(in: 0...2_000_000, using: &generator))
                daemon.signal(SIGKILL)
                daemon.waitForExit()
                r.kills += 1
                // In flight: `sending` in the outbox and no reply in the delivery journal either
                // (a journaled reply is recorded at the next start, not repeated).
                let journaled = Set(Self.journaledIDs(district))
                r.journaledAtKills += journaled.count
                let sending = try district.sql("SELECT id || ' ' || message_id FROM muster_outbox WHERE state = 'sending';")
                    .split(separator: "\n").map { $0.split(separator: " ", maxSplits: 1).map(String.init) }
                    .filter { !journaled.contains($0[0]) }.map { $0[1] }
                r.inFlightAtKills.formUnion(sending)
                expected = sending.count
                if try district.sql("SELECT count(*) FROM muster_outbox WHERE state IN ('queued','sending');") == "0" { break }
            }
            // A last run without a kill finishes the work, then stops gracefully.
            let last = try DaemonProcess(district, arguments: ["--now", now], logName: "last.log")
            r.starts.append((expected, try last.waitForLog("daemon=started")))
            _ = try eventually(60) {
                try district.sql("SELECT count(*) FROM muster_outbox WHERE state IN ('queued','sending');") == "0"
            }
            last.signal(SIGTERM)
            r.lastExit = last.waitForExit()
            return r
        }
        let inFlightAtKills = runs.inFlightAtKills, kills = runs.kills
        for (expected, line) in runs.starts { #expect(line.hasSuffix("recovered=\(expected)"), "\(line)") }
        #expect(runs.lastExit == 0)
        #expect(Self.journaledIDs(district).isEmpty, "a graceful stop leaves the delivery journal empty")

        // Then: the outbox planned each message once and sent them all.
        #expect(try await district.sql("SELECT state || ' ' || count(*) FROM muster_outbox GROUP BY state;") == "sent \(members)")
        let outboxIDs = Set(try await district.sql("SELECT message_id FROM muster_outbox;").split(separator: "\n").map(String.init))
        #expect(outboxIDs.count == members)

        // Every message received at least once, nothing received that the outbox does not hold.
        let received = try await server.receivedOffPool()
        var byID: [String: [ReceivedMessage]] = [:]
        for m in received { byID[m.messageID ?? "", default: []].append(m) }
        #expect(Set(byID.keys) == outboxIDs)

        // Repeats only among those in flight at a kill, each with the same bytes.
        let repeated = byID.filter { $0.value.count > 1 }
        let outsideFlight = Set(repeated.keys).subtracting(inFlightAtKills)
        #expect(outsideFlight.isEmpty, "repeated but not in flight at a kill: \(outsideFlight.sorted().prefix(5))")
        for (_, copies) in repeated {
            let first = server.bytes(of: copies[0])
            for c in copies.dropFirst() { #expect(server.bytes(of: c) == first) }
        }
        // The promise: at most one repeat per connection per kill, never a batch's worth.
        let repeats = repeated.values.reduce(0) { $0 + $1.count - 1 }
        #expect(repeats <= concurrency * kills, "\(repeats) repeats after \(kills) kills at concurrency \(concurrency)")
        #expect(kills >= 3)
        #expect(!inFlightAtKills.isEmpty, "no kill found a message in flight, so the test proved nothing")
        print("kill test: \(kills) kills at concurrency \(concurrency), \(inFlightAtKills.count) claimed at a kill, "
            + "\(repeats) repeats (bound \(concurrency * kills)), \(received.count) received for \(members) messages; "
            + "recovered at starts: \(runs.starts.map(\.expected)), replies journaled but not yet folded at the kills: \(runs.journaledAtKills)")
    }

    /// The outbox ids in the district's delivery journal (`muster.sqlite-deliveries`).
    static func journaledIDs(_ district: DaemonDistrict) -> [String] {
        let text = (try? String(contentsOfFile: district.database + "-deliveries", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let f = line.split(separator: " ")
            return f.count > 2 && f[0] == "v1" ? String(f[1]) : nil
        }
    }
}
}
