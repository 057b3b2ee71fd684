// The emergency stop through the real binary: `muster pause` stops a running daemon within a second,
// a restart stays paused, `muster resume` sends what waited, once each.
import Foundation
import MusterTestSupport
import Testing

extension DaemonProcessTests {
@Suite struct PauseTests {
    /// Given a running daemon sending 300 meeting reminders through a relay that takes 50 ms a message,
    /// when the organiser runs `muster pause meeting` mid-delivery,
    /// then nothing more of it reaches the relay after a second (queued and claimed alike); a
    /// restarted daemon sends none of it either, and status says it is paused;
    /// when they run `muster resume meeting`, the rest goes out, each member's reminder exactly once.
    @Test func pauseStopsARunningDaemonWithinASecondAndResumeSendsWhatWaited() async throws {
        let members = 300
        let server = try await startTestServer(options: ["--data-delay", "0.05"])
        let district = try await DaemonDistrict.make(transport: server.url, concurrency: 1)
        try await district.addMembers(members)
        try await district.sql("INSERT INTO events(id, kind, title, starts_at) VALUES (1, 'meeting', 'AGM', '2026-11-24T09:00:00Z');")
        let now = "2026-11-23T09:00:00Z"
        @Sendable func muster(_ args: String...) throws -> (status: Int32, stdout: String, stderr: String) {
            let r = try MusterBinary.run(args + ["--config", district.config], in: district.dir.path)
            return (r.status, r.stdout, r.stderr)
        }

        struct Seen: Sendable { var atPause = 0, afterOneSecond = 0, afterThree = 0, afterRestart = 0, exit1: Int32 = -1; var pauseOut = "", status = "" }
        let seen = try await offPool { () throws -> Seen in
            var s = Seen()
            let daemon = try DaemonProcess(district, arguments: ["--now", now])
            _ = try eventually(30) { try server.received().count >= 20 }
            let paused = try muster("pause", "meeting")
            s.pauseOut = paused.stdout + paused.stderr
            s.atPause = try server.received().count
            usleep(1_000_000)
            s.afterOneSecond = try server.received().count
            usleep(2_000_000)
            s.afterThree = try server.received().count
            daemon.signal(SIGTERM)
            s.exit1 = daemon.waitForExit()
            let again = try DaemonProcess(district, arguments: ["--now", now], logName: "again.log")
            try again.waitForLog("pass=everything reason=start")
            usleep(1_500_000)
            s.afterRestart = try server.received().count
            s.status = try muster("status").stdout
            _ = try muster("resume", "meeting")
            _ = try eventually(60) { try server.received().count >= members }
            usleep(500_000)
            again.signal(SIGTERM)
            _ = again.waitForExit()
            return s
        }

        #expect(seen.pauseOut.hasPrefix("paused meeting: nothing more of it goes to the relay"), "\(seen.pauseOut)")
        #expect(seen.atPause < members - 50, "the pause came too late to show anything (\(seen.atPause) already sent)")
        #expect(seen.afterThree == seen.afterOneSecond, "messages kept arriving more than a second after the pause")
        #expect(seen.afterOneSecond <= seen.atPause + 20, "\(seen.afterOneSecond - seen.atPause) arrived in the second after the pause")
        #expect(seen.exit1 == 0)
        #expect(seen.afterRestart == seen.afterThree, "a restarted daemon sent a paused rule's messages")
        #expect(seen.status.contains("Paused (nothing of these goes to the relay until 'muster resume')"), "\(seen.status)")
        #expect(seen.status.contains("meeting"), "\(seen.status)")
        let all = try await server.receivedOffPool()
        #expect(all.count == members, "each reminder exactly once after resume (got \(all.count))")
        #expect(Set(all.flatMap(\.rcptTos)).count == members)
        #expect(try await district.sql("SELECT count(*) FROM muster_outbox WHERE state = 'sent';") == "\(members)")
    }
}
}
