// The console's one password: hashed with bcrypt by `muster console-password`, checked at sign-in.
import Foundation
import HummingbirdBcrypt
import MusterCore
import NIOPosix

/// The bcrypt hash the console checks passwords against, read from `console.password_hash_env`.
///
///     let credentials = try ConsoleCredentials(config: config.console, environment: ProcessInfo.processInfo.environment)
///     await credentials.verify("correct horse")   // true or false, computed off the cooperative pool
public struct ConsoleCredentials: Sendable {
    let hash: String

    /// The cost `muster console-password` hashes with: about a quarter of a second a check here.
    public static let cost: UInt8 = 12

    /// - Throws: `ConsoleCredentialsError` naming the variable (never its value) when it is unset, empty
    ///   or not a bcrypt hash.
    public init(config: ConsoleConfig, environment: [String: String]) throws(ConsoleCredentialsError) {
        let name = config.passwordHashEnv
        guard let value = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            throw ConsoleCredentialsError(message: "console: the environment variable \(name) (console.password_hash_env) is not set; make a hash with `muster console-password` and export it as \(name)")
        }
        guard Self.isBcryptHash(value) else {
            throw ConsoleCredentialsError(message: "console: the environment variable \(name) (console.password_hash_env) does not hold a bcrypt hash; set it to what `muster console-password` prints (it starts with $2b$), not to the password itself")
        }
        hash = value
    }

    /// True for `$2a$`, `$2b$` or `$2y$`, a two-digit cost from 04 to 31, and 53 characters of bcrypt's base64.
    public static func isBcryptHash(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count == 60, b[0] == UInt8(ascii: "$"), b[1] == UInt8(ascii: "2"),
              [UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "y")].contains(b[2]), b[3] == UInt8(ascii: "$"),
              b[6] == UInt8(ascii: "$"), let cost = Int(String(decoding: b[4..<6], as: UTF8.self)), (4...31).contains(cost)
        else { return false }
        let alphabet = Set("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        return b[7...].allSatisfy(alphabet.contains)
    }

    /// A new hash of `password`, for `muster console-password`.
    public static func makeHash(_ password: String) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    /// Whether `password` matches, computed on NIO's thread pool (bcrypt is deliberately slow).
    public func verify(_ password: String) async -> Bool {
        let hash = self.hash
        return (try? await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }) ?? false
    }
}

/// `console.password_hash_env` is missing or wrong; the message names the variable and the mend.
public struct ConsoleCredentialsError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public var description: String { message }
}
