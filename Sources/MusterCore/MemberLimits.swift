// How much one member hears: the per-member limits across rules, decided as a pure function.
import Foundation

/// How urgent a rule's (or a step's) messages are when a member's limit is reached.
public enum Priority: String, Sendable, Hashable, CaseIterable {
    /// Always goes, and counts (a ballot's last days).
    case high
    case normal
    /// Gives way first (a newsletter, an invitation that can wait).
    case low

    /// Sorting rank: high first.
    public var rank: Int {
        switch self {
        case .high: return 0
        case .normal: return 1
        case .low: return 2
        }
    }
}

/// `mail.per_member: { day: 1, week: 4 }`: at most this many messages to one member on one local
/// calendar day, and on any seven local days in a row, across every rule. Nil: no limit on that span.
public struct MemberLimit: Sendable, Hashable {
    public var day: Int?
    public var week: Int?

    public init(day: Int? = nil, week: Int? = nil) {
        self.day = day; self.week = week
    }

    /// What `muster init` writes.
    public static let starter = MemberLimit(day: 1, week: 4)
}

/// One message a pass wants to add for a member, as the limit sees it.
public struct LimitCandidate: Sendable, Hashable {
    public var member: Int64
    /// The member's zone, an index into the pass's `ZoneTable`.
    public var zone: Int32
    /// When it would go: its due time, or the end of the quiet hours it falls in.
    public var sendAt: Date
    public var priority: Priority
    /// After this it is never sent (`Expiry`).
    public var expires: Date

    public init(member: Int64, zone: Int32 = 0, sendAt: Date, priority: Priority = .normal, expires: Date) {
        self.member = member; self.zone = zone; self.sendAt = sendAt; self.priority = priority; self.expires = expires
    }
}

/// What the limit does with one candidate.
public enum LimitDecision: Sendable, Hashable {
    /// It goes at its time (and counts on that day).
    case send
    /// The member's limit is reached that day or week: it waits for their next free day at the same
    /// local time (and counts there).
    case moved(to: Date)
    /// The next free day falls at or after its expiry (grace, an event's start, a ballot's close):
    /// never sent, with the reason `member limit`.
    case skipped

    /// The reason the outbox and `explain` give for a moved or skipped message.
    public static let reason = "member limit"
}

/// The member limits, decided: `decide(_:booked:limit:zones:now:)` is pure (no database, no clock).
///
/// Counting is per member on their local calendar (their zone, else the organisation's). `booked`
/// holds, per member, the instants of what the outbox already has for them that counts: sent, being
/// sent, or queued (at its next attempt). A candidate goes on its local day `d` when `d` has fewer
/// than `day` and every seven-day span containing `d` fewer than `week` (so no seven days in a row
/// ever exceed it, even with messages already moved to later days).
///
/// | candidate              | the day is free | the day or week is full                                  |
/// |------------------------|-----------------|----------------------------------------------------------|
/// | high                   | send            | send (and it counts)                                     |
/// | normal, low            | send            | moved to the next free day, same local time              |
/// | ... that day expired   |                 | skipped, `member limit`                                  |
///
/// Candidates of one member are placed in order of their local day, then their time (every one
/// already due, at or before `now`, counts as due at `now`: they arrive in the same pass), then
/// priority (high first), then expiry (the one lost soonest first): when two compete for one slot
/// the higher priority wins, then the earlier expiry; a later message never pushes out an earlier
/// one, as in the passes that will send them. What the outbox already holds keeps its place (first
/// come, first served across passes). A move is searched for up to `searchDays` days.
///
/// For example with `{ day: 1, week: 4 }`, a member who got a message at 09:00 today: a low
/// training invitation due at 10:00 moves to 10:00 tomorrow; a meeting reminder that expires at
/// 18:00 today is skipped; the ballot's last-days message (high) goes at once.
public enum MemberLimits {
    public static let searchDays = 60

    /// From when the outbox's entries can count at `now`: the seven local days before today, with a
    /// day to spare for zones.
    public static func countFrom(_ now: Date) -> Date { now.addingTimeInterval(-8 * 86_400) }

    public static func decide(
        _ candidates: [LimitCandidate], booked: [Int64: [Date]], limit: MemberLimit, zones: ZoneTable, now: Date
    ) -> [LimitDecision] {
        var out = [LimitDecision](repeating: .send, count: candidates.count)
        guard limit.day != nil || limit.week != nil, !candidates.isEmpty else { return out }
        // Candidates chained by member: one dictionary lookup each, no per-member arrays for the many
        // members who have one message and nothing booked.
        var first: [Int64: Int] = [:]
        first.reserveCapacity(candidates.count)
        var next = [Int](repeating: -1, count: candidates.count)
        for i in candidates.indices.reversed() {
            let m = candidates[i].member
            if let f = first[m] { next[i] = f }
            first[m] = i
        }
        let dayLimit = limit.day ?? Int.max, weekLimit = limit.week ?? Int.max
        var local = LocalCache(zones: zones)
        for (member, head) in first {
            let bookings = booked[member] ?? []
            if next[head] < 0 && bookings.isEmpty && dayLimit >= 1 && weekLimit >= 1 { continue }
            var mine: [Int] = []
            var i = head
            while i >= 0 { mine.append(i); i = next[i] }
            let zone = candidates[head].zone
            var days: [Int: Int] = [:]
            for b in bookings { days[local.day(of: b, zone: zone), default: 0] += 1 }
            let placed = mine.map { ($0, local.place(candidates[$0], now: now)) }
                .sorted { a, b in
                    let ca = candidates[a.0], cb = candidates[b.0]
                    return (a.1.day, max(ca.sendAt, now), ca.priority.rank, ca.expires, a.0)
                        < (b.1.day, max(cb.sendAt, now), cb.priority.rank, cb.expires, b.0)
                }
            for (index, slot) in placed {
                let c = candidates[index]
                if c.priority == .high {
                    days[slot.day, default: 0] += 1
                    continue
                }
                var chosen: Int?
                for k in 0...searchDays where fits(slot.day + k, days, dayLimit, weekLimit) {
                    chosen = slot.day + k
                    break
                }
                guard let d = chosen else { out[index] = .skipped; continue }
                if d == slot.day {
                    days[d, default: 0] += 1
                    continue
                }
                let target = LocalTime.instant(epochDay: d, minuteOfDay: slot.minute, in: zones[zone])
                if Expiry.hasPassed(c.expires, at: target) {
                    out[index] = .skipped
                } else {
                    out[index] = .moved(to: target)
                    days[d, default: 0] += 1
                }
            }
        }
        return out
    }

    /// Whether one more message on local day `d` keeps the day and every seven-day span containing it within the limits.
    static func fits(_ d: Int, _ days: [Int: Int], _ dayLimit: Int, _ weekLimit: Int) -> Bool {
        if days[d, default: 0] + 1 > dayLimit { return false }
        guard weekLimit < Int.max else { return true }
        // The seven spans that contain d end at d...d+6: a sliding sum over them.
        var sum = 0
        for e in (d - 6)...d { sum += days[e, default: 0] }
        for end in d...(d + 6) {
            if end > d { sum += days[end, default: 0] - days[end - 7, default: 0] }
            if sum + 1 > weekLimit { return false }
        }
        return true
    }

    /// Local days and minutes, cached per zone and instant: a pass's candidates share a few due times.
    struct LocalCache {
        let zones: ZoneTable
        private var cache: [Key: Slot] = [:]
        struct Key: Hashable { var zone: Int32; var seconds: Int64 }
        struct Slot { var day: Int; var minute: Int }

        init(zones: ZoneTable) { self.zones = zones }

        /// The local day it would go on (today when its time has passed within grace) and its local time.
        mutating func place(_ c: LimitCandidate, now: Date) -> Slot {
            var s = slot(c.sendAt, zone: c.zone)
            if c.sendAt < now { s.day = max(s.day, slot(now, zone: c.zone).day) }
            return s
        }

        mutating func day(of d: Date, zone: Int32) -> Int { slot(d, zone: zone).day }

        mutating func slot(_ d: Date, zone: Int32) -> Slot {
            let key = Key(zone: zone, seconds: Int64(d.timeIntervalSince1970.rounded(.down)))
            if let s = cache[key] { return s }
            let z = zones[zone]
            let s = Slot(day: LocalTime.epochDay(of: d, in: z), minute: LocalTime.minuteOfDay(of: d, in: z))
            cache[key] = s
            return s
        }
    }
}
