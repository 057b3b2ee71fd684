// muster explain: for one member and each rule, in plain words, what they got, what they did not
// and why, and what comes next.
import Foundation
import MusterCore
import MusterStore

/// One rule's story for one member: lines such as "ballot-chaser step 2: sent Wed 2 Dec 17:33
/// (outbox 649)" or "meeting-reminders: not in the audience (status is lapsed)".
public struct Explanation: Sendable {
    public var rule: String
    public var lines: [String]
}

extension District {
    /// Explains `memberID`'s messages from `rule` (every rule when nil) as of `now`, looking `days`
    /// ahead for what comes next. Nil when there is no such member. Writes nothing.
    ///
    /// Every reason the planner, the composer, the limits and the outbox give appears here: the
    /// outbox entry's state and reason (sent, queued, deferred, moved or skipped by the member
    /// limit, suppressed with its reason, failed, expired), the audience part that leaves the member
    /// out, a vote that stopped a ballot chaser, a paused rule, and what is due next (with what
    /// the limit or a suppression would do to it).
    public func explain(memberID: Int64, rule only: String?, now: Date, days: Int = 60) throws -> [Explanation]? {
        let queries = ExplainQueries(store)
        guard let member = try queries.member(memberID) else { return nil }
        let zone = config.organisation.timeZone
        let when = PeopleTime(timeZone: zone)
        let today = LocalTime.day(of: now, in: zone).description
        let chosen = rules.filter { only == nil || $0.id == only }
        let entries = try queries.entries(member: memberID)
        let paused = try PausedRules(store).rules()
        let places = try queries.ballotPlaces(member: memberID)
        let suppressions = try OutboxStore(store).loadSuppressions()
        let result = try planPass(
            store: store, rules: Engine.narrow(chosen, to: [memberID]), organisation: config.organisation, now: now,
            horizon: TimeInterval(days) * 86_400, record: false)
        let decisions = try limitDecisions(result, now: now, members: [memberID])
        let known = Set(entries.map(\.dedupeKey))
        func short(_ d: Date) -> String {
            let day = when.localDay(d)
            return "\(PeopleTime.shortWeekdays[day.weekday]) \(when.time(d))"
        }
        var out: [Explanation] = []
        for rule in chosen {
            var lines: [String] = []
            let mine = entries.filter { $0.rule == rule.id }
            if paused.pauses(rule.id) {
                lines.append("\(rule.id): paused (nothing of it goes out until 'muster resume \(paused.contains(rule.id) ? rule.id : "--all")')")
            }
            if let miss = try queries.audienceMiss(rule, member: member, now: now, today: today) {
                lines.append("\(rule.id): not in the audience (\(miss))")
            }
            for e in mine {
                lines.append("\(rule.id) step \(e.step): \(Self.story(e, when: when, short: short, paused: paused.pauses(rule.id), now: now)) (outbox \(e.id))")
            }
            if case .ballot(recipients: .notVoted) = rule.kind {
                for p in places {
                    guard let voted = p.votedAt else { continue }
                    let day = ISOTime.parseInstant(voted).map { when.localDay($0) } ?? LocalDay(String(voted.prefix(10)))
                    let text = day.map { "\($0.day) \(PeopleTime.shortMonths[$0.month - 1])" } ?? voted
                    let source: String
                    switch p.reportedBy {
                    case nil: source = ""
                    case .member?: source = " (they told us through their link)"
                    case .rep(let rep)?: source = " (reported by their rep, member \(rep))"
                    }
                    lines.append("\(rule.id): stopped for \(TerminalText.visible(p.title)), voted on \(text)\(source)")
                }
            }
            var next = 0
            for (o, d) in zip(result.occurrences, decisions) where o.rule == rule.id && !known.contains(o.dedupeKey) {
                next += 1
                var line = "\(rule.id) step \(o.step): " + (o.due <= now ? "due now (the next tick sends it)" : "due \(when.abbreviated(o.due, year: false))")
                switch d {
                case .send: break
                case .moved(let to): line += "; the member limit would move it to \(short(to))"
                case .skipped: line += "; the member limit would hold it (no free day before it expires)"
                }
                if member.emailOptOut { line += ", but will not be mailed: opted out of email" }
                else if member.email?.isEmpty ?? true { line += ", but will not be mailed: no email address" }
                else if let why = suppressions.reason(memberID: member.id, email: member.email, topic: o.topic) {
                    line += ", but will not be mailed: \(why)"
                }
                lines.append(line)
            }
            if let skipped = result.skippedPastGrace[rule.id], skipped > 0 {
                lines.append("\(rule.id): \(skipped) skipped since it was last planned: their time passed more than the grace (\(rule.grace)) ago")
            }
            if mine.isEmpty && next == 0 && lines.isEmpty {
                lines.append("\(rule.id): nothing for them in the next \(days) days")
            }
            out.append(Explanation(rule: rule.id, lines: lines.map(TerminalText.visible)))
        }
        return out
    }

    /// One outbox entry in plain words.
    static func story(_ e: OutboxEntry, when: PeopleTime, short: (Date) -> String, paused: Bool, now: Date) -> String {
        let limited = e.reason == LimitDecision.reason
        switch e.state {
        case .sent:
            return "sent \(when.abbreviated(e.sentAt ?? e.updatedAt, year: false))" + (limited ? " (moved there by the member limit)" : "")
        case .sending:
            return "being sent now"
        case .queued:
            var s: String
            if limited {
                s = "held, member limit, moved to \(short(e.nextAttemptAt))"
            } else if e.attempts > 0 {
                s = "deferred after \(e.attempts) attempt\(e.attempts == 1 ? "" : "s")" + (e.lastReply.map { " (\($0))" } ?? "")
                    + ", next try \(when.abbreviated(e.nextAttemptAt, year: false))"
            } else if e.nextAttemptAt > e.dueAt {
                s = "queued for \(when.abbreviated(e.nextAttemptAt, year: false)) (after the quiet hours)"
            } else {
                s = e.nextAttemptAt <= now ? "queued, due now" : "queued for \(when.abbreviated(e.nextAttemptAt, year: false))"
            }
            if paused { s += ", waiting: the rule is paused" }
            return s
        case .suppressed:
            return limited ? "skipped, member limit (no free day before it expired)" : "not sent: \(e.reason ?? "suppressed")"
        case .failed:
            return "failed: \(e.reason ?? e.lastReply ?? "refused")"
        case .expired:
            return "not sent: \(e.reason ?? "expired before it could be sent")"
        }
    }
}
