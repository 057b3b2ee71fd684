// Crash safety of the real binary: SIGKILL at random moments while it delivers, restart, lose nothing.
import Foundation
import MusterTestSupport
import Testing

@Suite struct KillTests {
    /// Given 2,000 meeting reminders due at T and a real SMTP server,
    /// when `muster run --now T` is killed with SIGKILL at random moments of its delivery and
    /// restarted each time,
    /// then every message arrives at least once, only messages in flight at a kill arrive twice,
    /// and a repeat carries the same Message-ID and the same bytes.
    @Test func killedMidDeliveryLosesNothingAndRepeatsOnlyWhatWasInFlight() throws {
        let server = try SMTPTestServer()
        let district = try DaemonDistrict(transport: server.url)
        try district.addMembers(2_000)
        try district.sql("INSERT INTO events(id, kind, title, starts_at) VALUES (1, 'meeting', 'AGM', '2026-11-24T09:00:00Z');")
        let now = "2026-11-23T09:00:00Z"

        var inFlightAtKills: Set<String> = []
        var kills = 0
        var recoveredLogged: [Int] = []
        var expectedRecovered: Int?
        var generator = SystemRandomNumberGenerator()
        while kills < 6 {
            let daemon = try DaemonProcess(district, arguments: ["--now", now], logName: "run\(kills).log")
            let started = try daemon.waitForLog("daemon=started")
            if let expected = expectedRecovered { #expect(started.contains("recovered=\(expected)"), "\(started)") }
            recoveredLogged.append(Int(started.split(separator: "recovered=").last ?? "") ?? -1)
            // Some delivery has begun: kill at a random moment after that.
            _ = try? daemon.waitForLog("status=sent", timeout: 10)
            usleep(UInt32.random(in: 0...400_000, using: &generator))
            daemon.signal(SIGKILL)
            daemon.waitForExit()
            kills += 1
            let sending = try district.sql("SELECT message_id FROM muster_outbox WHERE state = 'sending';")
                .split(separator: "\n").map(String.init)
            inFlightAtKills.formUnion(sending)
            expectedRecovered = sending.count
            let left = try district.sql("SELECT count(*) FROM muster_outbox WHERE state IN ('queued','sending');")
            if left == "0" { break }
        }

        // A last run without a kill finishes the work, then stops gracefully.
        let last = try DaemonProcess(district, arguments: ["--now", now], logName: "last.log")
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline,
              try district.sql("SELECT count(*) FROM muster_outbox WHERE state IN ('queued','sending');") != "0" {
            usleep(100_000)
        }
        last.signal(SIGTERM)
        #expect(last.waitForExit() == 0)

        // Then: the outbox planned each message once and sent them all.
        #expect(try district.sql("SELECT state || ' ' || count(*) FROM muster_outbox GROUP BY state;") == "sent 2000")
        let outboxIDs = Set(try district.sql("SELECT message_id FROM muster_outbox;").split(separator: "\n").map(String.init))
        #expect(outboxIDs.count == 2_000)

        // Every message received at least once, nothing received that the outbox does not hold.
        let received = try server.received()
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
        #expect(kills >= 2)
        #expect(!inFlightAtKills.isEmpty, "no kill found a message in flight, so the test proved nothing")
        print("kill test: \(kills) kills, \(inFlightAtKills.count) in flight at a kill, \(repeated.count) received twice, "
            + "\(received.count) received for 2000 messages; recovered at starts: \(recoveredLogged)")
    }
}
