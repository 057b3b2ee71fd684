// The console's member page: find a member by membership number, name or address; see their messages
// and, rule by rule, why they got what they got and what comes next (`muster explain`).
import Foundation
import MusterCore
import MusterDaemon
import MusterStore

/// Member: a search form (sent by POST, so that names never sit in a URL, a proxy's access log or
/// the browser's history), the matches (at most `ConsoleQueries.searchLimit`), and at
/// `/member?id=N` one member's details, their address, their messages (state, when, subject) and
/// `explain` in plain words. The only page that shows an address; the gate lets no one reach it
/// without a session. Each member's page shown and each search is logged with the session's number,
/// the member's id and the client's address (`console=member session=3 member=17 client=10.0.0.5`),
/// never the words searched for.
struct MemberPage: ConsolePage {
    let path = "/member"
    let title = "Member"
    /// How far ahead "what comes next" looks, as `muster explain` does by default.
    static let explainDays = 60

    func body(_ r: ConsolePageRequest) async throws -> String {
        guard let raw = r.query["id"] else {
            return Self.searchForm(r, text: "", autofocus: true)
                + ConsoleHTML.paragraph("Type a membership number, part of a name, or an email address. #17 finds member id 17.")
        }
        guard let id = Int64(raw.trimmingCharacters(in: .whitespaces)), id > 0 else {
            return Self.searchForm(r, text: "", autofocus: true)
                + "<p class=\"warn\" role=\"alert\">A member's page is reached by their id, a number (as in /member?id=17). Search for them instead.</p>"
        }
        // Who looked at whom, by ids: what a union's data protection officer will ask.
        r.logger.notice("console=member session=\(r.session.number) member=\(id) client=\(r.clientAddress)")
        return try Self.searchForm(r, text: "", autofocus: false) + memberSection(id, r)
    }

    func post(_ r: ConsolePageRequest) async throws -> ConsolePostResult? {
        let text = String((r.form["q"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))
        guard !text.isEmpty else { return .redirect(path) }
        let (matches, more) = try ConsoleQueries(r.district.store).searchMembers(text)
        // The words searched for are never logged: they are names.
        r.logger.notice("console=member_search session=\(r.session.number) matches=\(matches.count)\(more ? "+" : "") client=\(r.clientAddress)")
        // A membership number (or #id) that names exactly one member opens their page.
        if matches.count == 1, !more, text.hasPrefix("#") || matches[0].membershipNumber.caseInsensitiveCompare(text) == .orderedSame {
            return .redirect("\(path)?id=\(matches[0].id)")
        }
        var html = Self.searchForm(r, text: text, autofocus: matches.isEmpty)
        if matches.isEmpty {
            html += "<p role=\"status\">" + ConsoleHTML.escape("No member matches \u{201C}\(text)\u{201D}. Try fewer letters, or the membership number.") + "</p>"
            return .page(status: .ok, body: html)
        }
        let count = more ? "The first \(matches.count) members" : matches.count == 1 ? "One member" : "\(matches.count) members"
        html += "<p role=\"status\">" + ConsoleHTML.escape("\(count) matching \u{201C}\(text)\u{201D}"
            + (more ? ". More match: type more of the name to narrow it down." : ".")) + "</p>"
        let rows = matches.map { m in
            "<tr><td>\(Self.link(m.id, m.membershipNumber))</td><td>\(Self.link(m.id, m.name.isEmpty ? "(no name)" : m.name))</td>"
                + "<td>\(ConsoleHTML.escape(m.status))</td><td>\(ConsoleHTML.escape(m.workplace ?? "none"))</td></tr>"
        }.joined(separator: "\n")
        html += "<div class=\"scroll\"><table><caption>Members matching \u{201C}\(ConsoleHTML.escape(text))\u{201D}</caption>"
            + "<thead><tr><th scope=\"col\">Membership number</th><th scope=\"col\">Name</th><th scope=\"col\">Status</th>"
            + "<th scope=\"col\">Workplace</th></tr></thead><tbody>\n\(rows)\n</tbody></table></div>"
        return .page(status: .ok, body: html)
    }

    // MARK: One member

    private func memberSection(_ id: Int64, _ r: ConsolePageRequest) throws -> String {
        let district = r.district
        guard let member = try ExplainQueries(district.store).member(id) else {
            return "<p class=\"warn\" role=\"alert\">" + ConsoleHTML.escape("There is no member with id \(id).") + "</p>"
        }
        let queries = ConsoleQueries(district.store)
        let people = PeopleTime(timeZone: district.config.organisation.timeZone)
        let name = member.fullName.isEmpty ? "Member \(member.membershipNumber)" : member.fullName
        var html = "<h2>\(ConsoleHTML.escape(TerminalText.visible(name)))</h2><dl>"
        func item(_ term: String, _ value: String) { html += "<dt>\(ConsoleHTML.escape(term))</dt><dd>\(ConsoleHTML.escape(value))</dd>" }
        item("Membership number", "\(member.membershipNumber) (member id \(member.id))")
        let address = member.email.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        item("Email address", address.map { $0 + (member.emailOptOut ? " (opted out of email: muster does not mail them)" : "") }
             ?? "none (muster does not mail them)")
        item("Status", member.status.rawValue)
        item("Workplace", try member.workplaceID.flatMap { try queries.workplaceName($0) } ?? "none")
        if let section = member.section { item("Section", section) }
        if let role = member.role { item("Role", role) }
        if let joined = member.joinedOn { item("Joined", LocalDay(joined).map(PeopleTime.day) ?? joined) }
        if let zone = member.timezone { item("Time zone", zone) }
        html += "</dl>"

        let messages = try queries.messages(member: id)
        html += "<h2>Their messages</h2>"
        if messages.isEmpty {
            html += ConsoleHTML.paragraph("muster has made no message for this member yet.")
        } else {
            let otherAddress = messages.contains { $0.entry.recipient != nil && $0.entry.recipient != address }
            html += ConsoleHTML.table(
                caption: "Messages for \(name), newest first",
                headers: ["Message", "State", "When", "Subject"] + (otherAddress ? ["Sent to"] : []),
                rows: messages.map { m in
                    let e = m.entry
                    return ["\(e.rule) step \(e.step) (outbox \(e.id))", Self.state(e), people.abbreviated(Self.when(e)),
                            m.subject.map(TerminalText.visible) ?? (e.state == .sent ? "(the message is not kept)" : "(no message was made)")]
                        + (otherAddress ? [e.recipient ?? ""] : [])
                }, wide: true)
        }

        html += "<h2>Why, rule by rule</h2>"
        html += ConsoleHTML.paragraph("As of \(people.dateTimeWithYear(r.now)), looking \(Self.explainDays) days ahead: what they got, what they did not and why, and what comes next.")
        do {
            for story in try district.explain(memberID: id, rule: nil, now: r.now, days: Self.explainDays) ?? [] {
                let rule = ConsoleHTML.escape(story.rule)
                html += "<section aria-labelledby=\"explain-\(rule)\"><h3 id=\"explain-\(rule)\">\(rule)</h3><ul>"
                html += story.lines.map { "<li>\(Self.forConsole(Self.withoutRule($0, story.rule)))</li>" }.joined()
                html += "</ul></section>"
            }
        } catch {
            html += "<p class=\"warn\">" + ConsoleHTML.escape("The explanation could not be worked out just now: \(error)") + "</p>"
        }
        return html
    }

    /// An explain line as escaped HTML, with the command line's way out of a pause ("until 'muster
    /// resume welcome'") put as the console's: a link to the Stop page.
    static func forConsole(_ line: String) -> String {
        guard let start = line.range(of: "until 'muster resume "),
              let end = line[start.upperBound...].firstIndex(of: "'") else { return ConsoleHTML.escape(line) }
        return ConsoleHTML.escape(String(line[..<start.lowerBound])) + "until it is resumed on <a href=\"/stop\">Stop</a>"
            + ConsoleHTML.escape(String(line[line.index(after: end)...]))
    }

    /// An explain line without its rule in front ("welcome step 1: sent ..." under "welcome" reads
    /// "Step 1: sent ...").
    static func withoutRule(_ line: String, _ rule: String) -> String {
        var rest = Substring(line)
        if rest.hasPrefix(rule + ": ") { rest = rest.dropFirst(rule.count + 2) }
        else if rest.hasPrefix(rule + " ") { rest = rest.dropFirst(rule.count + 1) }
        else { return line }
        return rest.prefix(1).uppercased() + rest.dropFirst()
    }

    /// The state, with the reason for one that was not sent.
    static func state(_ e: OutboxEntry) -> String {
        switch e.state {
        case .sent, .sending: return e.state.rawValue
        case .queued: return e.attempts > 0 ? "queued (tried \(e.attempts) time\(e.attempts == 1 ? "" : "s"))" : "queued"
        case .failed, .expired, .suppressed:
            let why = e.reason ?? e.lastReply
            return e.state.rawValue + (why.map { " (\(TerminalText.visible($0)))" } ?? "")
        }
    }

    /// When the state was reached: sent at, next try for a queued one, else last changed.
    static func when(_ e: OutboxEntry) -> Date {
        switch e.state {
        case .sent: return e.sentAt ?? e.updatedAt
        case .queued: return e.nextAttemptAt
        default: return e.updatedAt
        }
    }

    // MARK: Pieces

    static func searchForm(_ r: ConsolePageRequest, text: String, autofocus: Bool) -> String {
        """
        <form method="post" action="/member" role="search">\(ConsoleHTML.csrfField(r.session))\
        <label for="q">Find a member</label>\
        <input type="search" id="q" name="q" value="\(ConsoleHTML.escape(text))" maxlength="200" autocomplete="off"\
        \(autofocus ? " autofocus" : "") required>
        <button type="submit">Search</button></form>
        """
    }

    static func link(_ id: Int64, _ text: String) -> String {
        "<a href=\"/member?id=\(id)\">\(ConsoleHTML.escape(TerminalText.visible(text)))</a>"
    }
}
