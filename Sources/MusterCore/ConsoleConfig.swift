// `console:` in muster.yaml: where the organiser's console listens and where its password hash comes from.
import Foundation

/// The organiser's console (DESIGN.md "The organiser's console"); off unless `listen` is set.
///
/// ```yaml
/// console:
///   listen: 127.0.0.1:8026
///   password_hash_env: MUSTER_CONSOLE_PASSWORD_HASH
///   insecure_http_on_loopback: false
/// ```
///
/// The hash (from `muster console-password`) is read from the environment variable, never from the file.
/// `insecure_http_on_loopback: true` drops `Secure` from the session cookie so that a browser on the
/// same computer can use plain `http://127.0.0.1`; it is refused for any address but a loopback one.
public struct ConsoleConfig: Sendable, Equatable {
    /// `host:port`; nil: no console.
    public var listen: String?
    public var passwordHashEnv: String
    public var insecureHTTPOnLoopback: Bool

    public init(listen: String? = nil, passwordHashEnv: String = "MUSTER_CONSOLE_PASSWORD_HASH",
                insecureHTTPOnLoopback: Bool = false) {
        self.listen = listen; self.passwordHashEnv = passwordHashEnv; self.insecureHTTPOnLoopback = insecureHTTPOnLoopback
    }
}

extension Config {
    static func parseConsole(_ node: YAMLValue?) throws -> ConsoleConfig {
        guard let node, !node.isNull else { return ConsoleConfig() }
        let c = try node.mapping("console")
        try c.checkKeys(["listen", "password_hash_env", "insecure_http_on_loopback"])
        var cfg = ConsoleConfig()
        if let v = c["listen"] { cfg.listen = try v.string("console.listen") }
        if let v = c["password_hash_env"] {
            let s = try v.string("console.password_hash_env")
            guard isEnvName(s) else {
                throw v.error("console.password_hash_env: must name an environment variable such as MUSTER_CONSOLE_PASSWORD_HASH, not hold the hash itself")
            }
            cfg.passwordHashEnv = s
        }
        if let v = c["insecure_http_on_loopback"] {
            cfg.insecureHTTPOnLoopback = try v.bool("console.insecure_http_on_loopback")
            if cfg.insecureHTTPOnLoopback, let listen = cfg.listen, !Self.isLoopback(listen: listen) {
                throw v.error("console.insecure_http_on_loopback: allowed only when console.listen is on 127.0.0.1 or [::1] (got \"\(listen)\"); put a TLS proxy in front instead")
            }
        }
        return cfg
    }

    /// True for `127.x.y.z:port`, `[::1]:port` and `localhost:port`.
    public static func isLoopback(listen: String) -> Bool {
        guard let colon = listen.lastIndex(of: ":") else { return false }
        let host = listen[..<colon]
        return host.hasPrefix("127.") || host == "[::1]" || host == "localhost"
    }
}
