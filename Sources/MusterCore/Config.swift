// muster.yaml: the district's configuration, read with every error naming key and line.
import Foundation

/// The whole of muster.yaml, with paths resolved against the file's folder.
///
/// Secrets are never in the file: it names environment variables (`mail.password_env`,
/// `links.secret_env`) and muster reads them when it needs them.
public struct Config: Sendable {
    public var organisation: Organisation
    /// Absolute path of the SQLite file.
    public var database: String
    public var schedules: String
    public var templates: String
    public var mail: MailConfig
    public var links: LinksConfig
    /// The file this came from, for messages.
    public var file: String

    public init(
        organisation: Organisation, database: String, schedules: String, templates: String,
        mail: MailConfig, links: LinksConfig, file: String
    ) {
        self.organisation = organisation; self.database = database; self.schedules = schedules
        self.templates = templates; self.mail = mail; self.links = links; self.file = file
    }
}

/// An address with an optional display name: `Dorset NEU <organising@example.org>`.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    public var name: String?
    public var email: String

    public init(name: String?, email: String) { self.name = name; self.email = email }

    /// Parses `addr@host` or `Display Name <addr@host>` (the name may be quoted).
    public init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let lt = t.lastIndex(of: "<"), t.hasSuffix(">") {
            let addr = String(t[t.index(after: lt)..<t.index(before: t.endIndex)])
            var name = t[..<lt].trimmingCharacters(in: .whitespaces)
            if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 { name = String(name.dropFirst().dropLast()) }
            guard MailAddress.isValidEmail(addr) else { return nil }
            self.init(name: name.isEmpty ? nil : name, email: addr)
        } else {
            guard MailAddress.isValidEmail(t) else { return nil }
            self.init(name: nil, email: t)
        }
    }

    /// A plain check of `local@domain.tld`: one `@`, no spaces or control characters, a dotted domain.
    public static func isValidEmail(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64, s.utf8.count <= 254 else { return false }
        let domain = parts[1]
        guard domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains("..") else { return false }
        for u in s.unicodeScalars {
            if u.value <= 0x20 || u.value == 0x7F || "<>()[],;:\\\"".unicodeScalars.contains(u) { return false }
        }
        return true
    }

    /// The part after `@`, for Message-IDs and calendar UIDs.
    public var domain: String { String(email.split(separator: "@").last ?? "localhost") }

    public var description: String { name.map { "\($0) <\(email)>" } ?? email }
}

/// How messages leave: a folder of `.eml` files, or an SMTP relay.
public enum Transport: Sendable, Hashable {
    case file(directory: String)
    /// `smtp://host:port` (STARTTLS per `tls`) or `smtps://host:port` (TLS from the first byte).
    case smtp(url: String, implicitTLS: Bool)
}

/// `mail.tls`: whether STARTTLS is required, tried, or not used (smtp:// only).
public enum TLSMode: String, Sendable, CaseIterable {
    case required, opportunistic, none
}

/// `mail.rate`: at most `count` messages each `per` seconds.
public struct Rate: Sendable, Hashable {
    public var count: Int
    public var per: TimeInterval
    public init(count: Int, per: TimeInterval) { self.count = count; self.per = per }
    public var perSecond: Double { Double(count) / per }
}

/// Recipient-local hours during which steps without an `at` wait: `21:00-08:00`.
public struct QuietHours: Sendable, Hashable {
    /// Minutes after local midnight.
    public var start: Int
    public var end: Int
    public init(start: Int, end: Int) { self.start = start; self.end = end }

    /// True when the local minute-of-day falls in the quiet span (which may cross midnight).
    public func contains(minuteOfDay m: Int) -> Bool {
        start <= end ? (m >= start && m < end) : (m >= start || m < end)
    }
}

public struct MailConfig: Sendable {
    public var from: MailAddress
    public var replyTo: MailAddress?
    public var transport: Transport
    public var tls: TLSMode
    public var usernameEnv: String?
    public var passwordEnv: String?
    public var caFile: String?
    public var rate: Rate?
    public var concurrency: Int
    public var quietHours: QuietHours?

    public init(
        from: MailAddress, replyTo: MailAddress? = nil, transport: Transport, tls: TLSMode = .required,
        usernameEnv: String? = nil, passwordEnv: String? = nil, caFile: String? = nil, rate: Rate? = nil,
        concurrency: Int = 1, quietHours: QuietHours? = nil
    ) {
        self.from = from; self.replyTo = replyTo; self.transport = transport; self.tls = tls
        self.usernameEnv = usernameEnv; self.passwordEnv = passwordEnv; self.caFile = caFile
        self.rate = rate; self.concurrency = concurrency; self.quietHours = quietHours
    }
}

public struct LinksConfig: Sendable {
    /// The public address of the links, e.g. `https://muster.example.org`; nil means messages carry none.
    public var baseURL: String?
    public var listen: String
    public var secretEnv: String

    public init(baseURL: String? = nil, listen: String = "127.0.0.1:8025", secretEnv: String = "MUSTER_LINK_SECRET") {
        self.baseURL = baseURL; self.listen = listen; self.secretEnv = secretEnv
    }
}
