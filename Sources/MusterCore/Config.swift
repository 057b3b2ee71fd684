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
    /// What reps may see (`reps.see_names`).
    public var reps = RepsConfig()
    /// `console:`; off by default.
    public var console = ConsoleConfig()
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

/// Recipient-local hours during which steps without an `at` wait (`21:00-08:00`); a step with `at` found more than 15 minutes late waits too.
public struct QuietHours: Sendable, Hashable {
    /// Minutes after local midnight.
    public var start: Int
    public var end: Int
    public init(start: Int, end: Int) { self.start = start; self.end = end }

    /// True when the local minute-of-day falls in the quiet span (which may cross midnight).
    public func contains(minuteOfDay m: Int) -> Bool {
        start <= end ? (m >= start && m < end) : (m >= start || m < end)
    }

    /// For a message due at `due` in `zone` whose step names no time: the local end of the quiet
    /// hours it falls in; nil when it does not fall in them.
    public func end(after due: Date, in zone: TimeZone) -> Date? {
        let minute = LocalTime.minuteOfDay(of: due, in: zone)
        guard contains(minuteOfDay: minute) else { return nil }
        let day = LocalTime.epochDay(of: due, in: zone)
        return LocalTime.instant(epochDay: minute >= end ? day + 1 : day, minuteOfDay: end, in: zone)
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
    public var rate: RateLimit?
    /// SMTP connections at once, within `concurrencyRange`.
    public var concurrency: Int
    public var quietHours: QuietHours?
    /// `mail.per_member`: how much one member hears across rules; nil: no limit.
    public var perMember: MemberLimit?
    /// Bounces and complaints (DESIGN.md "Bounces and complaints"); nil fields: not used.
    public var bounces = BounceConfig()

    /// The connections `mail.concurrency` may ask for: the config and the transport both check this range.
    public static let concurrencyRange = 1...32

    public init(
        from: MailAddress, replyTo: MailAddress? = nil, transport: Transport, tls: TLSMode = .required,
        usernameEnv: String? = nil, passwordEnv: String? = nil, caFile: String? = nil, rate: RateLimit? = nil,
        concurrency: Int = 1, quietHours: QuietHours? = nil, perMember: MemberLimit? = nil
    ) {
        self.from = from; self.replyTo = replyTo; self.transport = transport; self.tls = tls
        self.usernameEnv = usernameEnv; self.passwordEnv = passwordEnv; self.caFile = caFile
        self.rate = rate; self.concurrency = concurrency; self.quietHours = quietHours
        self.perMember = perMember
    }
}

/// `reps:` in muster.yaml. With `see_names`, a rep's messages name the members of the workplaces
/// they represent (who has not voted, who is new, who registered); without it, counts only. Union
/// membership is special-category data: turning it on is the union's decision (README, "Names for reps").
public struct RepsConfig: Sendable, Hashable {
    public var seeNames: Bool
    public init(seeNames: Bool = false) { self.seeNames = seeNames }
}

/// `mail.bounce_address`, `mail.soft_bounce_limit`, `mail.bounce_mailbox` and its credentials' variables.
public struct BounceConfig: Sendable {
    /// The envelope sender's base (`bounces@example.org`): messages go out as `bounces+TOKEN@example.org`.
    public var address: MailAddress?
    /// Transient bounces within `softBounceWindowDays` that suppress an address.
    public var softBounceLimit: Int = 3
    public var softBounceWindowDays: Int = 30
    /// `imaps://host[:port]/MAILBOX`, read by `muster run`.
    public var mailbox: String?
    public var usernameEnv: String?
    public var passwordEnv: String?

    public init(address: MailAddress? = nil, softBounceLimit: Int = 3, mailbox: String? = nil,
                usernameEnv: String? = nil, passwordEnv: String? = nil) {
        self.address = address; self.softBounceLimit = softBounceLimit; self.mailbox = mailbox
        self.usernameEnv = usernameEnv; self.passwordEnv = passwordEnv
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
