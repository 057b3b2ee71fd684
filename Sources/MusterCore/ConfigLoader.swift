// Loading muster.yaml: keys checked, values parsed, errors with file and line, environment overrides.
import Foundation

extension Config {
    /// Reads the configuration at `path`. `environment` supplies overrides: `MUSTER_TRANSPORT`
    /// replaces `mail.transport`, `MUSTER_DATABASE` replaces `database`.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Config {
        let root = try YAMLValue.load(path: path)
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        return try parse(root, base: base, environment: environment)
    }

    /// Parses an already loaded document; relative paths are taken from `base`.
    public static func parse(_ root: YAMLValue, base: URL, environment: [String: String]) throws -> Config {
        let top = try root.mapping("the configuration")
        try top.checkKeys(["organisation", "database", "schedules", "templates", "mail", "links", "reps", "console"])

        let orgNode = try top.required("organisation").mapping("organisation")
        try orgNode.checkKeys(["name", "timezone", "website"])
        let orgName = try orgNode.required("name").string("organisation.name")
        let tzNode = try orgNode.required("timezone")
        let tz = try tzNode.string("organisation.timezone")
        guard TimeZone.named(tz) != nil else {
            throw tzNode.error("organisation.timezone: \"\(tz)\" is not a time zone name (for example Europe/London)")
        }
        let organisation = Organisation(
            name: orgName, timezone: tz, website: try orgNode["website"]?.string("organisation.website"))

        func path(_ key: String, default def: String) throws -> String {
            var p = try top[key]?.string(key) ?? def
            if key == "database", let env = environment["MUSTER_DATABASE"], !env.isEmpty { p = env }
            return resolve(p, base: base)
        }
        let database = try path("database", default: "muster.sqlite")
        let schedules = try path("schedules", default: "schedules/")
        let templates = try path("templates", default: "templates/")

        let mail = try parseMail(top["mail"], file: root.file, line: top.line, base: base, environment: environment)
        let links = try parseLinks(top["links"])
        var config = Config(
            organisation: organisation, database: database, schedules: schedules, templates: templates,
            mail: mail, links: links, file: root.file)
        config.reps = try parseReps(top["reps"])
        config.console = try parseConsole(top["console"])
        return config
    }

    static func resolve(_ p: String, base: URL) -> String {
        if p.hasPrefix("/") { return p }
        return base.appendingPathComponent(p).standardizedFileURL.path
    }

    static func parseMail(
        _ node: YAMLValue?, file: String, line: Int?, base: URL, environment: [String: String]
    ) throws -> MailConfig {
        guard let node else {
            throw InputError(file: file, line: line, "'mail' is required (at least mail.from)")
        }
        let m = try node.mapping("mail")
        try m.checkKeys([
            "from", "reply_to", "transport", "tls", "username_env", "password_env", "ca_file", "rate",
            "concurrency", "quiet_hours", "per_member", "bounce_address", "soft_bounce_limit", "bounce_mailbox",
            "bounce_username_env", "bounce_password_env",
        ])
        let fromNode = try m.required("from")
        guard let from = MailAddress(parsing: try fromNode.string("mail.from")) else {
            throw fromNode.error("mail.from: must be an address like \"Dorset NEU <organising@example.org>\" (got \(fromNode.quoted))")
        }
        var replyTo: MailAddress?
        if let r = m["reply_to"] {
            guard let a = MailAddress(parsing: try r.string("mail.reply_to")) else {
                throw r.error("mail.reply_to: must be an email address (got \(r.quoted))")
            }
            replyTo = a
        }
        let transportNode = m["transport"]
        var transportText = try transportNode?.string("mail.transport") ?? "file:outbox/"
        var transportLine = transportNode?.line
        if let env = environment["MUSTER_TRANSPORT"], !env.isEmpty { transportText = env; transportLine = nil }
        if TransportSpec.hasCredentials(transportText) {
            let msg = TransportSpec.credentialsRefusal(transportText)
            if transportLine == nil { throw InputError(file: "MUSTER_TRANSPORT", line: nil, msg) }
            throw InputError(file: node.file, line: transportLine, msg)
        }
        guard let transport = parseTransport(transportText, base: base) else {
            let msg = "mail.transport: must be file:DIR, smtp://host:port or smtps://host:port (got \"\(TransportSpec.redacted(transportText))\")"
            if transportLine == nil, environment["MUSTER_TRANSPORT"] != nil {
                throw InputError(file: "MUSTER_TRANSPORT", line: nil, msg)
            }
            throw InputError(file: node.file, line: transportLine, msg)
        }
        var tls = TLSMode.required
        if let t = m["tls"] {
            guard let v = TLSMode(rawValue: try t.string("mail.tls")) else {
                throw t.error("mail.tls: must be required, opportunistic or none (got \(t.quoted))")
            }
            tls = v
        }
        var rate: RateLimit?
        if let r = m["rate"] {
            guard let v = try? RateLimit(parsing: try r.string("mail.rate")) else {
                throw r.error("mail.rate: must look like 30/minute, 5/second or 1000/hour (got \(r.quoted))")
            }
            rate = v
        }
        var concurrency = 1
        if let c = m["concurrency"] {
            concurrency = try c.int("mail.concurrency")
            let range = MailConfig.concurrencyRange
            guard range.contains(concurrency) else {
                throw c.error("mail.concurrency: must be between \(range.lowerBound) and \(range.upperBound) (got \(concurrency))")
            }
        }
        var quiet: QuietHours?
        if let q = m["quiet_hours"] {
            guard let v = parseQuietHours(try q.string("mail.quiet_hours")) else {
                throw q.error("mail.quiet_hours: must look like \"21:00-08:00\" (got \(q.quoted))")
            }
            quiet = v
        }
        let perMember = try m["per_member"].map(parsePerMember)
        for key in ["username_env", "password_env", "bounce_username_env", "bounce_password_env"] {
            if let v = m[key], let s = v.scalarText, !isEnvName(s) {
                throw v.error("mail.\(key): must name an environment variable such as MUSTER_SMTP_PASSWORD, not hold the secret itself")
            }
        }
        let caFile = try m["ca_file"].map { resolve(try $0.string("mail.ca_file"), base: base) }
        var config = MailConfig(
            from: from, replyTo: replyTo, transport: transport, tls: tls,
            usernameEnv: try m["username_env"]?.string("mail.username_env"),
            passwordEnv: try m["password_env"]?.string("mail.password_env"),
            caFile: caFile, rate: rate, concurrency: concurrency, quietHours: quiet, perMember: perMember)
        config.bounces = try parseBounces(m)
        return config
    }

    /// `mail.per_member: { day: 1, week: 4 }`; either key may be left out (no limit on that span).
    static func parsePerMember(_ node: YAMLValue) throws -> MemberLimit {
        let m = try node.mapping("mail.per_member")
        try m.checkKeys(["day", "week"])
        func count(_ key: String) throws -> Int? {
            guard let v = m[key] else { return nil }
            let n = try v.int("mail.per_member.\(key)")
            guard n >= 1 else {
                throw v.error("mail.per_member.\(key): must be 1 or more (got \(n)); leave it out for no limit")
            }
            return n
        }
        return MemberLimit(day: try count("day"), week: try count("week"))
    }

    /// `reps: { see_names: true }`; absent, names are off.
    static func parseReps(_ node: YAMLValue?) throws -> RepsConfig {
        guard let node, !node.isNull else { return RepsConfig() }
        let r = try node.mapping("reps")
        try r.checkKeys(["see_names"])
        return RepsConfig(seeNames: try r["see_names"]?.bool("reps.see_names") ?? false)
    }

    /// The bounce keys of `mail:` (DESIGN.md "Bounces and complaints").
    static func parseBounces(_ m: YAMLMapping) throws -> BounceConfig {
        var b = BounceConfig()
        if let a = m["bounce_address"] {
            let text = try a.string("mail.bounce_address")
            guard let address = MailAddress(parsing: text), address.name == nil else {
                throw a.error("mail.bounce_address: must be a bare address like bounces@example.org (got \(a.quoted))")
            }
            let local = address.address.prefix { $0 != "@" }
            guard local.utf8.count <= 18, !local.contains("+") else {
                throw a.error("mail.bounce_address: the part before @ must be at most 18 characters and hold no '+' "
                    + "(muster adds +TOKEN to it, and a local part may have 64 at most); got \(a.quoted)")
            }
            b.address = address
        }
        if let s = m["soft_bounce_limit"] {
            let n = try s.int("mail.soft_bounce_limit")
            guard (1...100).contains(n) else {
                throw s.error("mail.soft_bounce_limit: must be between 1 and 100 transient bounces within 30 days (got \(n))")
            }
            b.softBounceLimit = n
        }
        if let box = m["bounce_mailbox"] {
            let text = try box.string("mail.bounce_mailbox")
            guard text.lowercased().hasPrefix("imaps://"), let url = URL(string: text), url.host != nil,
                  url.user == nil, url.password == nil else {
                throw box.error("mail.bounce_mailbox: must look like imaps://imap.example.org/INBOX, without credentials "
                    + "(name their variables in mail.bounce_username_env and mail.bounce_password_env)")
            }
            guard m["bounce_username_env"] != nil, m["bounce_password_env"] != nil else {
                throw box.error("mail.bounce_mailbox: also set mail.bounce_username_env and mail.bounce_password_env "
                    + "(the environment variables holding the mailbox's user name and password)")
            }
            b.mailbox = text
        }
        b.usernameEnv = try m["bounce_username_env"]?.string("mail.bounce_username_env")
        b.passwordEnv = try m["bounce_password_env"]?.string("mail.bounce_password_env")
        return b
    }

    static func parseLinks(_ node: YAMLValue?) throws -> LinksConfig {
        guard let node, !node.isNull else { return LinksConfig() }
        let l = try node.mapping("links")
        try l.checkKeys(["base_url", "listen", "secret_env"])
        var cfg = LinksConfig()
        if let b = l["base_url"] {
            let s = try b.string("links.base_url")
            guard s.hasPrefix("https://") || s.hasPrefix("http://") else {
                throw b.error("links.base_url: must start with https:// (got \(b.quoted))")
            }
            cfg.baseURL = s.hasSuffix("/") ? String(s.dropLast()) : s
        }
        if let v = l["listen"] { cfg.listen = try v.string("links.listen") }
        if let v = l["secret_env"] {
            let s = try v.string("links.secret_env")
            guard isEnvName(s) else {
                throw v.error("links.secret_env: must name an environment variable such as MUSTER_LINK_SECRET, not hold the secret itself")
            }
            cfg.secretEnv = s
        }
        return cfg
    }

    /// `file:DIR` (also `file://DIR`; a relative DIR is taken from `base`), `smtp://host[:port]`,
    /// `smtps://host[:port]`. The one reading of a transport spec: muster.yaml, `MUSTER_TRANSPORT`
    /// and `makeMailTransport` all come here.
    public static func parseTransport(_ s: String, base: URL) -> Transport? {
        if s.hasPrefix("file:") {
            var dir = String(s.dropFirst(5))
            if dir.hasPrefix("//") { dir = String(dir.dropFirst(2)) }
            guard !dir.isEmpty else { return nil }
            return .file(directory: resolve(dir, base: base))
        }
        for (scheme, implicit) in [("smtp://", false), ("smtps://", true)] where s.hasPrefix(scheme) {
            let rest = s.dropFirst(scheme.count)
            guard let host = rest.split(separator: "/").first, !host.isEmpty, !host.contains("@") else { return nil }
            return .smtp(url: s, implicitTLS: implicit)
        }
        return nil
    }

    /// `HH:MM-HH:MM`.
    public static func parseQuietHours(_ s: String) -> QuietHours? {
        let parts = s.replacingOccurrences(of: " ", with: "").split(separator: "-")
        guard parts.count == 2, let a = minutes(String(parts[0])), let b = minutes(String(parts[1])), a != b else { return nil }
        return QuietHours(start: a, end: b)
    }

    /// Minutes after midnight of `HH:MM`, or nil.
    public static func minutes(_ s: String) -> Int? {
        let p = s.split(separator: ":")
        guard p.count == 2, p[0].count <= 2, p[1].count == 2, let h = Int(p[0]), let m = Int(p[1]),
              (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        return h * 60 + m
    }

    static func isEnvName(_ s: String) -> Bool {
        !s.isEmpty && s.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "_") } && !(s.first!.isNumber)
    }
}

extension Config {
    /// The muster.yaml that `muster init` writes when there is none: the demo district, file transport.
    public static let starterYAML = """
        # muster's configuration. DESIGN.md lists every key.
        organisation: { name: Dorset NEU, timezone: Europe/London, website: https://example.org }
        database: muster.sqlite
        schedules: schedules/
        templates: templates/
        mail:
          from: "Dorset NEU <organising@example.org>"
          reply_to: organising@example.org
          transport: file:outbox/          # messages land in this folder as .eml files
          # transport: smtp://relay.example.org:587
          tls: required                    # required | opportunistic | none (smtp:// only)
          username_env: MUSTER_SMTP_USER   # credentials only from the environment
          password_env: MUSTER_SMTP_PASSWORD
          rate: 30/minute
          concurrency: 2
          quiet_hours: "21:00-08:00"       # recipient-local; steps without at wait, as do late ones and notices
          per_member: { day: 1, week: 4 }  # at most, across all rules (a rule's priority: high always goes)
        links:
          base_url: http://127.0.0.1:8025     # in production, the public https:// address of your proxy
          listen: 127.0.0.1:8025
          secret_env: MUSTER_LINK_SECRET      # export MUSTER_LINK_SECRET="$(openssl rand -base64 48)"

        """

    /// What `init --demo` adds to the starter file: the demo district's reps see names (see README, "Names for reps").
    public static let demoRepsYAML = """
        reps:
          see_names: true   # reps see names at their own workplace: a decision for the union (README, "Names for reps")

        """
}
