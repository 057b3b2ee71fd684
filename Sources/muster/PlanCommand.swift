// muster plan: a readable forecast of who will hear what, and when.
import ArgumentParser
import Foundation
import MusterCore
import MusterDaemon
import MusterStore

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Forecast: due time, rule/step, member and subject of every message in the next days.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Plan as of this instant (ISO 8601 with a zone); default now.")
    var now: String?

    @Option(help: "How many days ahead.")
    var days: Int = 7

    @Option(help: "Only this rule (its schedule file's name).")
    var rule: String?

    @Option(help: "List at most this many messages (0: all); totals always count every one.")
    var limit: Int = 200

    func validate() throws {
        guard (0...366).contains(days) else { throw ValidationError("Please pass --days between 0 and 366.") }
        guard limit >= 0 else { throw ValidationError("Please pass --limit 0 or more.") }
    }

    func run() throws {
        let config = try global.loadConfig()
        let district = try District.load(config: config)
        if let rule, district.rule(named: rule) == nil {
            throw UserError(message: "there is no rule '\(rule)' (rules: \(district.rules.map(\.id).joined(separator: ", ")))")
        }
        let instant = try parseNow(now)
        let f = try district.forecast(now: instant, days: days, rule: rule, limit: limit)
        let zone = config.organisation.timeZone
        let when = PeopleTime(timeZone: zone)
        let paused = try PausedRules(district.store).rules()
        if !paused.isEmpty {
            let names = paused.contains(PausedRules.all) ? "every rule (--all)" : paused.sorted().joined(separator: ", ")
            print("Paused: \(names): their messages are planned and queued but wait for 'muster resume'")
        }
        print("Forecast for \(days) days from \(when.abbreviated(instant, year: false)) (\(zone.identifier)): \(f.count) messages")
        if !f.lines.isEmpty {
            print("")
            // Due times in the organisation's zone; for a member in another zone, theirs beside it.
            let whens = f.lines.map { l -> String in
                let ours = when.abbreviated(l.occurrence.due, year: false)
                guard let theirs = l.memberTimeZone.map(PeopleTime.init(timeZone:)) else { return ours }
                let sameDay = theirs.localDay(l.occurrence.due) == when.localDay(l.occurrence.due)
                let local = sameDay ? theirs.time(l.occurrence.due) : theirs.abbreviated(l.occurrence.due, year: false)
                return local == when.time(l.occurrence.due) ? ours : "\(ours) (\(local) theirs)"
            }
            let width = max(17, (whens.map(\.count).max() ?? 0) + 1)
            print(pad("when", width) + pad("rule/step", 26) + pad("member", 30) + "subject")
            for (l, w) in zip(f.lines, whens) {
                let o = l.occurrence
                print(pad(w, width) + pad("\(o.rule)/\(o.step)", 26)
                    + pad("#\(o.memberID) \(l.memberName)", 30) + TerminalText.visible(l.subject)
                    + Self.mark(l.limit, when: when))
            }
            if f.lines.count < f.count {
                print("... and \(f.count - f.lines.count) more (pass --limit 0 to list them all)")
            }
        }
        print("")
        print("Totals by rule:")
        let totals = f.totals
        for r in district.rules where rule == nil || r.id == rule {
            var line = "  " + pad(r.id, 24) + String(totals[r.id] ?? 0)
            if let s = f.skippedPastGrace[r.id], s > 0 { line += "   (\(s) skipped: their time passed more than the grace ago)" }
            if paused.pauses(r.id) { line += "   (paused)" }
            let moved = f.movedByLimit[r.id] ?? 0, held = f.heldByLimit[r.id] ?? 0
            if moved + held > 0 { line += "   (member limit: \(moved) moved, \(held) held)" }
            print(line)
        }
        let skipped = f.skippedPastGrace.values.reduce(0, +)
        print("Skipped by the grace window (never sent late): \(skipped)")
        if config.mail.perMember != nil {
            let moved = f.movedByLimit.values.reduce(0, +), held = f.heldByLimit.values.reduce(0, +)
            print("Member limit (\(Self.limitText(config.mail.perMember!))): \(moved) moved to a later day, \(held) held (never sent)")
        }
    }

    /// What the member limit does with a listed message, after its subject.
    static func mark(_ d: LimitDecision, when: PeopleTime) -> String {
        switch d {
        case .send: return ""
        case .moved(let to):
            let day = when.localDay(to)
            return "   [moved to \(PeopleTime.shortWeekdays[day.weekday]) \(when.time(to)): \(LimitDecision.reason)]"
        case .skipped: return "   [held: \(LimitDecision.reason)]"
        }
    }

    static func limitText(_ l: MemberLimit) -> String {
        [l.day.map { "\($0) a day" }, l.week.map { "\($0) in 7 days" }].compactMap { $0 }.joined(separator: ", ")
    }
}

/// Left-aligns `s` in a column of `width` characters (cut with an ellipsis when longer), its control
/// characters made visible first (`TerminalText`), so a cut never leaves half an escape sequence.
func pad(_ text: String, _ width: Int) -> String {
    let s = TerminalText.visible(text)
    if s.count >= width { return String(s.prefix(width - 2)) + "… " }
    return s + String(repeating: " ", count: width - s.count)
}
