// The demo district that `muster init --demo` fills an empty database with: believable, and the same for a seed.
import Foundation
import GRDB

/// What ``DemoDistrict/fill(store:members:seed:now:)`` put in the database.
public struct DemoSummary: Sendable, Equatable {
    public var workplaces = 0
    public var members = 0
    public var reps = 0
    public var events = 0
    public var registrations = 0
    public var ballots = 0
    /// Eligibility rows across all ballots.
    public var ballotMembers = 0
    /// Of those, the ones with a vote recorded.
    public var votes = 0

    public init() {}
}

/// A demo district in Dorset: schools and colleges, their members, reps, events and two ballots.
///
/// About one workplace per 25 members, of kinds primary, secondary, special, college and nursery;
/// reps at about two thirds of them; members mostly active with some lapsed and left, a few with no
/// email or opted out, a few in other time zones, a handful who joined this week; a real
/// district's next two months of events (`DemoBuilder.calendar`: a district meeting a month, a
/// conference, a meeting at every other workplace, inductions and courses with registrations); a
/// ballot opened a few days ago for every active member with about 30% voted, and one for support
/// staff closing in three days. Every address is at example.org or example.net.
///
/// The same `seed` and `now` give the same district, row for row.
public enum DemoDistrict {
    /// Fills an empty database (no workplaces, no members) in one transaction.
    public static func fill(store: Store, members: Int = 1500, seed: UInt64, now: Date) throws -> DemoSummary {
        guard members >= 10 else { throw DemoError(reason: "a demo district needs at least 10 members (got \(members))") }
        return try store.pool.write { db in
            let held = try Int.fetchOne(db, sql: "SELECT (SELECT count(*) FROM members) + (SELECT count(*) FROM workplaces)") ?? 0
            guard held == 0 else {
                throw DemoError(reason: "\(store.path) already holds a district; the demo goes only into an empty database")
            }
            var builder = DemoBuilder(db: db, random: DemoRandom(seed: seed), now: now, memberCount: members)
            let summary = try builder.build()
            try DemoHistory.write(db, seed: seed, now: now)
            return summary
        }
    }
}

/// Why the demo district was not made.
public struct DemoError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { reason }
}
