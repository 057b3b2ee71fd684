// Writing the demo district row by row with prepared statements, inside one transaction.
import Foundation
import GRDB
import MusterCore

/// Builds one demo district into `db`. Member rows are written as they are made (nothing large is
/// kept but one id per active member), so half a million members take seconds.
struct DemoBuilder {
    let db: Database
    var random: DemoRandom
    let now: Date
    let memberCount: Int
    var summary = DemoSummary()

    /// Per workplace (index 0 is workplace 1): its kind's index in `DemoNames.kinds`, its name, email domain.
    private var workplaceKind: [Int] = []
    var workplaceName: [String] = []
    private var workplaceDomain: [String] = []
    /// The first two active members with an email at each workplace (0: none), who may become its reps.
    private var repCandidates: [(Int64, Int64)] = []
    var activeMembers: [Int64] = []

    private static let openBallot: Int64 = 1
    private static let closingBallot: Int64 = 2

    init(db: Database, random: DemoRandom, now: Date, memberCount: Int) {
        self.db = db; self.random = random; self.now = now; self.memberCount = memberCount
    }

    mutating func build() throws -> DemoSummary {
        try workplaces()
        try ballots()
        try members()
        try reps()
        try calendar()  // DemoCalendar.swift
        return summary
    }

    // MARK: Workplaces

    private mutating func workplaces() throws {
        let count = max(5, (memberCount + 12) / 25)
        let insert = try db.makeStatement(sql: "INSERT INTO workplaces(id, name, kind, town, staff_count) VALUES(?, ?, ?, ?, ?)")
        let totalWeight = DemoNames.kinds.reduce(0) { $0 + $1.weight }
        var domains = Set<String>()
        for id in 1...count {
            // The first five are one of each kind, so every kind is present.
            var k = id - 1
            if id > DemoNames.kinds.count {
                var r = random.below(totalWeight)
                k = 0
                while r >= DemoNames.kinds[k].weight { r -= DemoNames.kinds[k].weight; k += 1 }
            }
            let town = random.pick(DemoNames.towns)
            let (name, short) = workplaceName(kind: DemoNames.kinds[k].kind, town: town)
            var domain = DemoNames.slug(short) + ".sch.example.org"
            if !domains.insert(domain).inserted {
                domain = DemoNames.slug(short) + "\(id).sch.example.org"
                domains.insert(domain)
            }
            let staff = random.within(DemoNames.kinds[k].staff)
            try insert.execute(arguments: [Int64(id), name, DemoNames.kinds[k].kind, town, staff])
            workplaceKind.append(k)
            workplaceName.append(name)
            workplaceDomain.append(domain)
        }
        repCandidates = Array(repeating: (0, 0), count: count)
        summary.workplaces = count
    }

    /// A school's full name and the short form its web domain is made from.
    private mutating func workplaceName(kind: String, town: String) -> (String, String) {
        switch kind {
        case "primary":
            let n = random.pick(DemoNames.primaryNames)
            return ("\(n), \(town)", "\(n.split(separator: " ").prefix(2).joined())\(town)")
        case "secondary":
            let n = "\(town) \(random.pick(DemoNames.secondaryNames))"
            return (n, n)
        case "special":
            let n = random.pick(DemoNames.specialNames)
            return ("\(n), \(town)", n)
        case "college":
            let n = random.pick(DemoNames.collegeNames)
            return n.hasPrefix("Kingston") ? (n, n) : ("\(town) \(n)", "\(town) \(n)")
        default:
            let n = random.pick(DemoNames.nurseryNames)
            return n.hasPrefix("Little") ? ("\(n), \(town)", "\(n)\(town)") : ("\(town) \(n)", "\(town) \(n)")
        }
    }

    // MARK: Ballots

    private mutating func ballots() throws {
        let insert = try db.makeStatement(sql: """
            INSERT INTO ballots(id, title, opens_at, closes_at, turnout_threshold, url) VALUES(?, ?, ?, ?, ?, ?)
            """)
        try insert.execute(arguments: [
            DemoBuilder.openBallot, "Pay and funding: indicative ballot", iso(onTheHour(days: -3)), iso(onTheHour(days: 21)),
            0.5, "https://example.org/ballots/pay",
        ])
        try insert.execute(arguments: [
            DemoBuilder.closingBallot, "Support staff pay offer: consultation", iso(onTheHour(days: -18)),
            iso(onTheHour(days: 3)), 0.5, "https://example.org/ballots/support-staff",
        ])
        summary.ballots = 2
    }

    // MARK: Members

    private mutating func members() throws {
        let insert = try db.makeStatement(sql: """
            INSERT INTO members(id, membership_number, first_name, last_name, email, workplace_id, role, section,
                                status, joined_on, timezone, email_opt_out)
            VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let eligible = try db.makeStatement(sql: "INSERT INTO ballot_members(ballot_id, member_id, voted_at) VALUES(?, ?, ?)")
        let roleWeight = DemoNames.roles.reduce(0) { $0 + $1.weight }
        let today = Int((now.timeIntervalSince1970 / 86_400).rounded(.down))
        let openOpened = onTheHour(days: -3), closingOpened = onTheHour(days: -18)
        activeMembers.reserveCapacity(memberCount)

        for i in 1...memberCount {
            let id = Int64(i)
            let w = random.below(workplaceKind.count)
            let kind = DemoNames.kinds[workplaceKind[w]].kind
            var r = random.below(roleWeight)
            var k = 0
            while r >= DemoNames.roles[k].weight { r -= DemoNames.roles[k].weight; k += 1 }
            var role = DemoNames.roles[k].role
            let section = DemoNames.roles[k].section
            if kind == "college" && role == "classroom teacher" { role = "lecturer" }
            let (first, firstASCII) = random.pick(DemoNames.firstNames)
            let (last, lastASCII) = random.pick(DemoNames.lastNames)
            let newest = i > memberCount - 6  // a handful who joined this week
            let roll = random.below(100)
            let status = newest || roll < 88 ? "active" : roll < 95 ? "lapsed" : "left"
            let email: String? = random.chance(0.02) ? nil : "\(firstASCII).\(lastASCII)\(i)@\(workplaceDomain[w])"
            let optOut = email != nil && random.chance(0.02)
            let joinedDay = newest ? today - (memberCount - i) : today - 7 - random.below(3650)
            let zone: String? = random.chance(0.01) ? random.pick(DemoNames.otherZones) : nil
            try insert.execute(arguments: [
                id, "DN\(100_000 + i)", first, last, email, Int64(w + 1), role, section, status,
                DemoBuilder.day(joinedDay), zone, optOut ? 1 : 0,
            ])
            guard status == "active" else { continue }
            activeMembers.append(id)
            if email != nil && !optOut {
                if repCandidates[w].0 == 0 { repCandidates[w].0 = id } else if repCandidates[w].1 == 0 { repCandidates[w].1 = id }
            }
            // Everyone active may vote in the open ballot; about 30% have.
            try eligible.execute(arguments: [DemoBuilder.openBallot, id, voteTime(random.chance(0.3), since: openOpened)])
            summary.ballotMembers += 1
            if section == "support staff" {
                try eligible.execute(arguments: [DemoBuilder.closingBallot, id, voteTime(random.chance(0.42), since: closingOpened)])
                summary.ballotMembers += 1
            }
        }
        summary.members = memberCount
    }

    /// A vote's time between `since` and now, or nil for no vote.
    private mutating func voteTime(_ voted: Bool, since: Date) -> String? {
        guard voted else { return nil }
        summary.votes += 1
        let span = max(1, Int(now.timeIntervalSince(since)))
        return iso(since.addingTimeInterval(Double(random.below(span))))
    }

    // MARK: Reps

    private mutating func reps() throws {
        let insert = try db.makeStatement(sql: "INSERT INTO reps(member_id, workplace_id, role) VALUES(?, ?, ?)")
        let last = repCandidates.count - 1
        for (w, candidates) in repCandidates.enumerated() {
            // About two thirds have a rep; the first always, the last never, so both kinds exist.
            guard candidates.0 != 0, w == 0 || (w != last && random.chance(0.67)) else { continue }
            try insert.execute(arguments: [candidates.0, Int64(w + 1), "workplace rep"])
            summary.reps += 1
            if random.chance(0.3) {
                let safety = candidates.1 != 0 ? candidates.1 : candidates.0
                try insert.execute(arguments: [safety, Int64(w + 1), "health and safety rep"])
                summary.reps += 1
            }
        }
    }

    static let eventKinds = ["meeting", "training", "induction", "conference", "cpd"]

    // MARK: Time

    /// `now` plus whole `days`, down to the hour.
    private func onTheHour(days: Int) -> Date {
        let t = now.timeIntervalSince1970 + Double(days) * 86_400
        return Date(timeIntervalSince1970: (t / 3600).rounded(.down) * 3600)
    }

    func iso(_ date: Date) -> String { ISOTime.format(date) }

    /// `YYYY-MM-DD` of a day number counted from 1970-01-01.
    static func day(_ days: Int) -> String {
        LocalDay(epochDay: days).description
    }
}
