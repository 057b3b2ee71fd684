// The console's emergency stop: pause and resume each rule, and all sending, with a confirmation step.
import Foundation
import MusterCore
import MusterDaemon
import MusterStore

/// Stop: each rule (and all sending) running or paused, with a button to pause or resume it.
///
/// Acting takes two steps, so that a slip of a finger on a phone stops nothing:
///
/// | request                                       | answer                                                   |
/// |-----------------------------------------------|----------------------------------------------------------|
/// | `GET /stop`                                   | the rules, each with "Pause ..." or "Resume ..."         |
/// | `GET /stop?ask=pause&rule=R` (that button)    | what pausing R does, and a form that does it; no change  |
/// | `POST /stop` action, rule, `confirm=yes`, CSRF| `PausedRules` written; 303 to `/stop?done=paused&rule=R` |
/// | `POST /stop` without `confirm=yes`            | the confirmation again; no change                        |
/// | `POST /stop` with a rule that is not known    | 400, no change                                           |
///
/// The pause is the one `muster pause` writes (`muster_paused_rules`), so it takes effect at once in
/// the running daemon (`OutboxStore.claimDue` leaves the rule, a batch in delivery stops within
/// ~100 ms), survives a restart, and `muster status` and `muster resume` see it. `*` is all sending.
/// Each pause and resume is logged with the session's number and the client's address:
/// `console=pause rule=meeting status=paused waiting=12 session=3 client=127.0.0.1`.
struct StopPage: ConsolePage {
    let path = "/stop"
    let title = "Stop"

    enum Action: String { case pause, resume }

    func body(_ r: ConsolePageRequest) async throws -> String {
        let state = try StopState(r.district)
        if let ask = r.query["ask"].flatMap(Action.init(rawValue:)), let rule = r.query["rule"] {
            guard state.knows(rule) else { return Self.unknown(rule) }
            return confirmation(ask, rule, state, r)
        }
        return overview(state, r)
    }

    func post(_ r: ConsolePageRequest) async throws -> ConsolePostResult? {
        let who = "session=\(r.session.number) client=\(r.clientAddress)"
        guard let action = r.form["action"].flatMap(Action.init(rawValue:)), let rule = r.form["rule"] else {
            r.logger.warning("console=stop status=refused reason=bad_form \(who)")
            return .page(status: .badRequest, body: ConsoleHTML.paragraph("This form could not be read. Go back to Stop and try again.") + Self.back)
        }
        let state: StopState
        do { state = try StopState(r.district) } catch { return Self.unavailable(action, who, r) }
        guard state.knows(rule) else {
            // The value is not logged: it came from the request and names no rule.
            r.logger.warning("console=\(action.rawValue) status=refused reason=unknown_rule \(who)")
            return .page(status: .badRequest, body: Self.unknown(rule))
        }
        guard r.form["confirm"] == "yes" else { return .page(status: .ok, body: confirmation(action, rule, state, r)) }
        let paused = PausedRules(r.district.store)
        let changed: Bool, waiting: Int
        do {
            switch action {
            case .pause: changed = try paused.pause(rule, now: r.now)
            case .resume: changed = try paused.resume(rule)
            }
            let after = try StopState(r.district)
            waiting = rule == PausedRules.all ? after.queuedTotal : after.queued[rule] ?? 0
        } catch {
            return Self.unavailable(action, who, r)
        }
        let status = changed ? (action == .pause ? "paused" : "resumed") : (action == .pause ? "already_paused" : "not_paused")
        r.logger.notice("console=\(action.rawValue) rule=\(rule) status=\(status) waiting=\(waiting) \(who)")
        return .redirect("/stop?done=\(status)&rule=\(Self.queryValue(rule))")
    }

    // MARK: The list

    func overview(_ state: StopState, _ r: ConsolePageRequest) -> String {
        let people = PeopleTime(timeZone: r.district.config.organisation.timeZone)
        var html = ""
        if let done = r.query["done"], let rule = r.query["rule"], state.knows(rule) {
            html += "<p class=\"warn\" role=\"status\">" + ConsoleHTML.escape(Self.doneText(done, rule, state)) + "</p>"
        }
        html += "<h2>All sending</h2>"
        if let since = state.since[PausedRules.all] {
            html += ConsoleHTML.paragraph("All sending is paused since \(people.dateTimeWithYear(since)): nothing goes to the relay. "
                + "\(state.queuedTotal) messages queued wait, within their grace and expiry.")
            html += Self.ask(.resume, PausedRules.all, label: "Resume all sending")
        } else {
            html += ConsoleHTML.paragraph("All sending runs. Pausing it stops every rule at once, the daemon's batch in delivery too.")
            html += Self.ask(.pause, PausedRules.all, label: "Pause all sending")
        }
        html += "<h2>Each rule</h2>"
        let rows = state.rules.map { rule -> String in
            let status: String
            if let since = state.since[rule] { status = "Paused since \(people.dateTimeWithYear(since))" }
            else if state.since[PausedRules.all] != nil { status = "Waits: all sending is paused" }
            else { status = "Running" }
            let button = state.since[rule] == nil
                ? Self.ask(.pause, rule, label: "Pause \(rule)")
                : Self.ask(.resume, rule, label: "Resume \(rule)")
            return "<tr><th scope=\"row\">\(ConsoleHTML.escape(rule))</th><td>\(ConsoleHTML.escape(status))</td>"
                + "<td class=\"n\">\(state.queued[rule] ?? 0)</td><td>\(button)</td></tr>"
        }.joined(separator: "\n")
        html += "<div class=\"scroll\"><table><caption>Each rule, and the messages it has queued or sending</caption>"
            + "<thead><tr><th scope=\"col\">Rule</th><th scope=\"col\">State</th><th scope=\"col\" class=\"n\">Queued</th>"
            + "<th scope=\"col\">Action</th></tr></thead><tbody>\n\(rows)\n</tbody></table></div>"
        html += ConsoleHTML.paragraph("A paused rule is still planned and its messages queued, so nothing is lost; none goes to the relay "
            + "until it is resumed. A message whose grace or expiry runs out while it waits is not sent late. "
            + "'muster pause' and 'muster resume' on the server do the same.")
        return html
    }

    /// The first step: a GET form to the confirmation (changes nothing).
    static func ask(_ action: Action, _ rule: String, label: String) -> String {
        "<form method=\"get\" action=\"/stop\"><input type=\"hidden\" name=\"ask\" value=\"\(action.rawValue)\">"
            + "<button type=\"submit\" name=\"rule\" value=\"\(ConsoleHTML.escape(rule))\"\(action == .resume ? "" : " class=\"other\"")>"
            + "\(ConsoleHTML.escape(label))</button></form>"
    }

    // MARK: The confirmation

    func confirmation(_ action: Action, _ rule: String, _ state: StopState, _ r: ConsolePageRequest) -> String {
        let all = rule == PausedRules.all
        let name = all ? "all sending" : rule
        let queued = all ? state.queuedTotal : state.queued[rule] ?? 0
        var html = "<h2>\(ConsoleHTML.escape((action == .pause ? "Pause " : "Resume ") + name + "?"))</h2>"
        switch action {
        case .pause:
            if state.since[rule] != nil { html += ConsoleHTML.paragraph("\(all ? "All sending" : rule) is already paused.") }
            html += ConsoleHTML.paragraph(
                "Nothing more of \(all ? "any rule" : rule) goes to the relay, from the next message on, the one being sent now excepted. "
                + "\(queued) messages queued or being sent, and those that fall due meanwhile, wait until you resume; "
                + "a message whose grace or expiry runs out while it waits is not sent late.")
        case .resume:
            if state.since[rule] == nil { html += ConsoleHTML.paragraph("\(all ? "Sending" : rule) is not paused.") }
            html += ConsoleHTML.paragraph("\(queued) messages queued go out as they fall due; those whose grace or expiry has run out are not sent."
                + (!all && state.since[PausedRules.all] != nil ? " All sending stays paused: \(rule) waits until that is resumed too." : ""))
        }
        let verb = action == .pause ? "Pause" : "Resume"
        html += "<form method=\"post\" action=\"/stop\">" + ConsoleHTML.csrfField(r.session)
            + "<input type=\"hidden\" name=\"action\" value=\"\(action.rawValue)\">"
            + "<input type=\"hidden\" name=\"rule\" value=\"\(ConsoleHTML.escape(rule))\">"
            + "<button type=\"submit\" name=\"confirm\" value=\"yes\">\(ConsoleHTML.escape("\(verb) \(name) now"))</button></form>"
        html += "<form method=\"get\" action=\"/stop\"><button type=\"submit\" class=\"other\">Cancel</button></form>"
        return html
    }

    // MARK: Words

    static func doneText(_ done: String, _ rule: String, _ state: StopState) -> String {
        let all = rule == PausedRules.all
        let name = all ? "All sending" : rule
        switch done {
        case "paused": return "\(name) is paused: nothing more of it goes to the relay."
        case "already_paused": return "\(name) was already paused."
        case "resumed":
            if !all, state.since[PausedRules.all] != nil { return "\(rule) is resumed, but all sending is still paused." }
            return "\(name) is resumed: what waited goes out as it falls due."
        case "not_paused": return "\(name) was not paused."
        default: return ""
        }
    }

    static let back = "<p><a href=\"/stop\">Back to Stop</a></p>"

    static func unknown(_ rule: String) -> String {
        ConsoleHTML.paragraph("There is no rule called \"\(rule)\". Nothing was changed.") + back
    }

    static func unavailable(_ action: Action, _ who: String, _ r: ConsolePageRequest) -> ConsolePostResult {
        r.logger.error("console=\(action.rawValue) status=error reason=database \(who)")
        return .page(status: .serviceUnavailable, body: ConsoleHTML.paragraph(
            "The database could not be written just now, so nothing was changed. Please try again; on the server, 'muster \(action.rawValue)' does the same.") + back)
    }

    /// `rule` made safe inside a query string.
    static func queryValue(_ rule: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return rule.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

/// What the Stop page reads: the rules (the district's, and any still paused whose file has gone),
/// when each was paused, and how many messages each has queued.
struct StopState {
    var rules: [String]
    /// Paused rules (`*` for all sending) and since when.
    var since: [String: Date]
    /// Per rule: entries queued or being sent (a batch in delivery is `sending` until each settles;
    /// what a pause stops goes back to `queued`).
    var queued: [String: Int]
    var queuedTotal: Int { queued.values.reduce(0, +) }

    init(_ district: District) throws {
        let paused = try PausedRules(district.store).list()
        since = Dictionary(paused.map { ($0.rule, $0.since) }, uniquingKeysWith: { a, _ in a })
        var queued: [String: Int] = [:]
        for c in try OutboxStore(district.store).countsByStateAndRule() where c.state == .queued || c.state == .sending {
            queued[c.rule, default: 0] += c.count
        }
        self.queued = queued
        let known = district.rules.map(\.id)
        rules = known + paused.map(\.rule).filter { $0 != PausedRules.all && !known.contains($0) }.sorted()
    }

    func knows(_ rule: String) -> Bool { rule == PausedRules.all || rules.contains(rule) }
}
