// A transport spec (mail.transport or MUSTER_TRANSPORT) as it may be printed: never with a password.
import Foundation

/// Credentials written into a transport URL (`smtp://user:password@host:587`) are refused, and every
/// message that quotes a spec quotes `redacted(_:)`, so the password reaches no terminal, log or error.
/// Credentials belong in the environment, named by `mail.username_env` and `mail.password_env`.
///
///     TransportSpec.redacted("smtp://u:S3cr3t@127.0.0.1:1")   // "smtp://***@127.0.0.1:1"
///     TransportSpec.redacted("smtp://relay.example.org:587")  // unchanged
public enum TransportSpec {
    /// The mend to name wherever a spec with credentials is refused.
    public static let credentialsMend =
        "credentials do not go in the URL: put the user name and password in environment variables "
        + "and name them in mail.username_env and mail.password_env"

    /// True when `spec` is not a `file:` folder and carries user information (an `@`).
    public static func hasCredentials(_ spec: String) -> Bool {
        !spec.hasPrefix("file:") && spec.contains("@")
    }

    /// `spec` with everything between its scheme and its last `@` (user name, password, any `:` or `/`
    /// a careless password holds) replaced by `***`. A `file:` spec, or one without `@`, is returned unchanged.
    public static func redacted(_ spec: String) -> String {
        guard hasCredentials(spec), let at = spec.lastIndex(of: "@") else { return spec }
        let start: String.Index
        if let sep = spec.range(of: "://"), sep.upperBound <= at {
            start = sep.upperBound
        } else if let colon = spec.firstIndex(of: ":"), colon < at,
                  spec[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "+" || $0 == "-" || $0 == ".") }) {
            start = spec.index(after: colon)
        } else {
            start = spec.startIndex
        }
        return String(spec[..<start]) + "***" + String(spec[at...])
    }

    /// The refusal of a spec that carries credentials, quoting it redacted.
    public static func credentialsRefusal(_ spec: String) -> String {
        "mail.transport: \"\(redacted(spec))\": \(credentialsMend)"
    }
}
