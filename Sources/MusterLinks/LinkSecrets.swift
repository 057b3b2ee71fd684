// The HMAC secrets links are signed with, read from the environment variable `links.secret_env` names.
import Foundation

/// The signing secrets: the first signs, every one verifies.
///
/// Rotation: the variable holds one or more secrets separated by commas, newest first, e.g.
/// `MUSTER_LINK_SECRET="<new>,<old>"`. Put the new one in front, keep the old one until the links it
/// signed no longer matter (unsubscribe links never expire, so keep it for some months), then drop it.
/// Each secret must be at least 32 bytes; `openssl rand -base64 48` makes a good one.
public struct LinkSecrets: Sendable {
    /// Newest first.
    public let secrets: [[UInt8]]

    public static let minimumBytes = 32

    /// Reads and checks the secrets in `environment[variable]`. Errors name the variable, never a value.
    public init(variable: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(LinkSecretError) {
        guard let raw = environment[variable], !raw.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw LinkSecretError.missing(variable: variable)
        }
        let parts = raw.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        var secrets: [[UInt8]] = []
        for (i, p) in parts.enumerated() {
            guard p.utf8.count >= Self.minimumBytes else {
                throw LinkSecretError.tooShort(variable: variable, index: i + 1, of: parts.count, bytes: p.utf8.count)
            }
            secrets.append(Array(p.utf8))
        }
        self.secrets = secrets
    }

    /// Secrets given directly (tests, tools). The same length rule applies.
    public init(_ secrets: [String], variable: String = "secret") throws(LinkSecretError) {
        try self.init(variable: variable, environment: [variable: secrets.joined(separator: ",")])
    }
}

/// Why the link secret could not be used. The text names the variable and the mend, never the value.
public enum LinkSecretError: Error, Equatable, CustomStringConvertible {
    case missing(variable: String)
    case tooShort(variable: String, index: Int, of: Int, bytes: Int)

    public var description: String {
        switch self {
        case .missing(let v):
            return "links.secret_env: the environment variable \(v) is not set or empty; "
                + "set it to a random secret of at least \(LinkSecrets.minimumBytes) bytes "
                + "(for example the output of 'openssl rand -base64 48')"
        case .tooShort(let v, let i, let n, let bytes):
            let which = n == 1 ? "the secret" : "secret \(i) of \(n) (comma-separated)"
            return "links.secret_env: in the environment variable \(v), \(which) is \(bytes) bytes long; "
                + "each secret must be at least \(LinkSecrets.minimumBytes) bytes "
                + "(for example the output of 'openssl rand -base64 48')"
        }
    }
}
