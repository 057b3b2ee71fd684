// What the SMTP transport is told by muster.yaml's `mail:` section.
import Foundation
import MusterCore

/// The SMTP relay and how to use it. Certificate verification is always on; `caFile` only adds a
/// trusted CA to the system's bundle. Credentials are named by environment variables and read once,
/// when the transport is made.
public struct SMTPSettings: Sendable, Hashable {
    /// `smtp://host:587` or `smtps://host:465`; a path names the EHLO host (`smtp://host:587/muster.example.org`).
    public var url: String
    public var tls: TLSMode
    public var usernameEnv: String?
    public var passwordEnv: String?
    /// An extra CA certificate file (PEM), trusted together with the system's CAs.
    public var caFile: String?
    /// The EHLO name when the URL has no path; nil lets libcurl use the local host name.
    public var heloName: String?
    /// SMTP connections at once.
    public var concurrency: Int
    public var rate: RateLimit?
    /// Seconds to wait for a TCP (and TLS) connection.
    public var connectTimeout: TimeInterval
    /// Seconds to wait for each server reply (greeting, EHLO, MAIL, RCPT, DATA, the final dot).
    public var responseTimeout: TimeInterval

    public init(
        url: String, tls: TLSMode = .required, usernameEnv: String? = nil, passwordEnv: String? = nil,
        caFile: String? = nil, heloName: String? = nil, concurrency: Int = 1, rate: RateLimit? = nil,
        connectTimeout: TimeInterval = 15, responseTimeout: TimeInterval = 60
    ) {
        self.url = url; self.tls = tls; self.usernameEnv = usernameEnv; self.passwordEnv = passwordEnv
        self.caFile = caFile; self.heloName = heloName; self.concurrency = concurrency; self.rate = rate
        self.connectTimeout = connectTimeout; self.responseTimeout = responseTimeout
    }
}

/// A username and password read from the environment. Prints as `SMTPCredentials(<redacted>)`.
struct SMTPCredentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    let username: String
    let password: String

    /// Reads the variables named in `settings`; nil when neither is named.
    static func from(_ settings: SMTPSettings, environment: [String: String]) throws -> SMTPCredentials? {
        if settings.usernameEnv == nil && settings.passwordEnv == nil { return nil }
        guard let userVar = settings.usernameEnv, let passVar = settings.passwordEnv else {
            throw MailConfigurationError("mail: username_env and password_env go together; set both or neither")
        }
        guard let user = environment[userVar], !user.isEmpty else {
            throw MailConfigurationError("mail.username_env: the environment variable \(userVar) is not set; export it before starting muster")
        }
        guard let pass = environment[passVar], !pass.isEmpty else {
            throw MailConfigurationError("mail.password_env: the environment variable \(passVar) is not set; export it before starting muster")
        }
        return SMTPCredentials(username: user, password: pass)
    }

    var description: String { "SMTPCredentials(<redacted>)" }
    var debugDescription: String { description }
}
