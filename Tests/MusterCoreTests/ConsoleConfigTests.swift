import Foundation
import Testing
import MusterCore
import MusterTestSupport

@Suite struct ConsoleConfigTests {
    let head = """
        organisation: { name: Test, timezone: Europe/London }
        mail: { from: "Test <o@example.org>", transport: "file:outbox/" }

        """

    func load(_ yaml: String) throws -> Config {
        let dir = try TemporaryDirectory()
        return try Config.load(path: try dir.write("muster.yaml", head + yaml), environment: [:])
    }

    @Test func theConsoleIsOffUnlessListenIsSet() throws {
        let c = try load("")
        #expect(c.console == ConsoleConfig())
        #expect(c.console.listen == nil)
        #expect(c.console.insecureHTTPOnLoopback == false)
    }

    @Test func readsListenHashVariableAndTheLoopbackSetting() throws {
        let c = try load("console: { listen: \"127.0.0.1:8026\", password_hash_env: MY_HASH, insecure_http_on_loopback: true }\n")
        #expect(c.console == ConsoleConfig(listen: "127.0.0.1:8026", passwordHashEnv: "MY_HASH", insecureHTTPOnLoopback: true))
    }

    @Test func plainHTTPIsRefusedOffLoopbackAndAHashInTheFileIsRefused() throws {
        #expect(throws: (any Error).self) { try load("console: { listen: \"0.0.0.0:8026\", insecure_http_on_loopback: true }\n") }
        do {
            _ = try load("console: { listen: \"0.0.0.0:8026\", insecure_http_on_loopback: true }\n")
        } catch {
            #expect("\(error)".contains("muster.yaml:3: console.insecure_http_on_loopback: allowed only when console.listen is on 127.0.0.1 or [::1]"))
        }
        do {
            _ = try load("console: { listen: \"127.0.0.1:8026\", password_hash_env: \"$2b$12$abc\" }\n")
            Issue.record("a hash in the file was accepted")
        } catch {
            #expect("\(error)".contains("console.password_hash_env: must name an environment variable"))
        }
    }
}
