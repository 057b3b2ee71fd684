import Foundation
import MusterConsole
import MusterCore
import Testing

@Suite struct SignInThrottleTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func failuresFromOneAddressDoubleTheWaitUpToTheCap() {
        var throttle = SignInThrottle()
        var delays: [TimeInterval] = []
        var now = t0
        for _ in 0..<8 {
            #expect(throttle.admit("10.0.0.1", now: now) == .check)
            let (delay, _) = throttle.failed("10.0.0.1", now: now)
            delays.append(delay)
            #expect(throttle.admit("10.0.0.1", now: now.addingTimeInterval(delay / 2)) != .check)
            now = now.addingTimeInterval(delay)
        }
        #expect(delays == [1, 2, 4, 8, 16, 32, 60, 60])
        // Another address is not slowed by the first; a success starts the first afresh.
        #expect(throttle.admit("10.0.0.2", now: now) == .check)
        throttle.succeeded("10.0.0.1")
        #expect(throttle.failed("10.0.0.1", now: now).delay == 1)
    }

    @Test func manyFailuresInTotalStopEveryAddressForTheWindow() {
        var throttle = SignInThrottle()
        for i in 0..<30 { _ = throttle.failed("10.0.1.\(i)", now: t0) }
        #expect(throttle.admit("192.168.7.7", now: t0.addingTimeInterval(1)) == .wait(seconds: 59))
        #expect(throttle.admit("192.168.7.7", now: t0.addingTimeInterval(60)) == .check)
    }

    @Test func onlyBcryptHashesAreAccepted() throws {
        let hash = "$2b$12$CVUcEyqgXZyNMgkDkd6lbet5RTyWu1jxLy9tvjgTSr4vXiNwf2eMu"
        #expect(ConsoleCredentials.isBcryptHash(hash))
        #expect(!ConsoleCredentials.isBcryptHash("correct horse battery staple"))
        #expect(!ConsoleCredentials.isBcryptHash(String(hash.dropLast())))
        #expect(!ConsoleCredentials.isBcryptHash(hash.replacingOccurrences(of: "$12$", with: "$99$")))
        #expect(throws: ConsoleCredentialsError.self) {
            try ConsoleCredentials(config: ConsoleConfig(listen: "127.0.0.1:0"), environment: ["MUSTER_CONSOLE_PASSWORD_HASH": "hunter2hunter2"])
        }
        let ok = try ConsoleCredentials(config: ConsoleConfig(listen: "127.0.0.1:0"), environment: ["MUSTER_CONSOLE_PASSWORD_HASH": hash])
        _ = ok
    }

    @Test func aHashMadeHereVerifiesItsPasswordOnly() async throws {
        let hash = ConsoleCredentials.makeHash("correct horse battery")
        let c = try ConsoleCredentials(config: ConsoleConfig(listen: "127.0.0.1:0"), environment: ["MUSTER_CONSOLE_PASSWORD_HASH": hash])
        #expect(await c.verify("correct horse battery"))
        #expect(await !c.verify("correct horse batterY"))
    }
}
