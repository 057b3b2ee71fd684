// Reading what reps see of their own workplaces: names to chase in a ballot, new starters, who registered.
import Foundation
import GRDB
import MusterCore

/// Loads `RepLists` for many reps at once: only the workplaces where each of them is a rep, so a
/// name reaches no rep of another workplace. Without `names` only counts are read.
///
///     let lists = try RepListQueries.load(db, reps: [5, 9], ballots: open, events: soon, newMembers: recent,
///                                         names: config.reps.seeNames, now: now)   // [repID: RepLists]
struct RepListQueries {
    /// A rep's rows, by rep member id.
    static func repRows(_ db: Database, memberIDs: [Int64]) throws -> [Int64: [Rep]] {
        var out: [Int64: [Rep]] = [:]
        try InList.forEach(memberIDs) { marks, arguments in
            for row in try Row.fetchAll(
                db, sql: "SELECT member_id, workplace_id, role FROM reps WHERE member_id IN (\(marks))", arguments: arguments)
            {
                let rep = Rep(memberID: row[0], workplaceID: row[1], role: row[2])
                out[rep.memberID, default: []].append(rep)
            }
        }
        return out
    }

    /// Each rep's workplaces with `ballots` (their counts already loaded), upcoming `events` and the
    /// recent `newMembers` (by workplace). The digest's own workplace (`RepChoice`) comes first, then by name.
    static func load(
        _ db: Database, repRows: [Int64: [Rep]], ballots: [BallotCounts], events: [Event],
        newMembers: [Int64: [ListedMember]], names: Bool, now: Date, zone: (Int64) -> TimeZone
    ) throws -> [Int64: RepLists] {
        let workplaceIDs = Set(repRows.values.flatMap { $0.map(\.workplaceID) })
        guard !workplaceIDs.isEmpty else { return [:] }
        let workplaces = try RenderQueries.workplaces(db, ids: workplaceIDs)
        var notVoted: [Int64: [Int64: [ListedMember]]] = [:]  // ballot → workplace → names
        var registered: [Int64: [Int64: [ListedMember]]] = [:]  // event → workplace → names
        var registeredCount: [Int64: [Int64: Int]] = [:]
        if names {
            for b in ballots {
                try InList.forEach(workplaceIDs) { marks, arguments in
                    let rows = try Row.fetchCursor(db, sql: """
                        SELECT m.workplace_id, m.id, m.first_name, m.last_name, m.role
                        FROM ballot_members bm JOIN members m ON m.id = bm.member_id
                        WHERE bm.ballot_id = \(b.ballot.id) AND m.workplace_id IN (\(marks))
                          AND NOT \(BallotVote.hasVoted("bm.voted_at"))
                        """, arguments: arguments)
                    while let row = try rows.next() {
                        let m = ListedMember(id: row[1], firstName: row[2] ?? "", lastName: row[3], role: row[4])
                        notVoted[b.ballot.id, default: [:]][row[0], default: []].append(m)
                    }
                }
            }
        }
        if !events.isEmpty {
            let eventIDs = events.map(\.id)
            try InList.forEach(workplaceIDs) { marks, arguments in
                let list = eventIDs.map(String.init).joined(separator: ",")
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT g.event_id, m.workplace_id, m.id, m.first_name, m.last_name, m.role
                    FROM registrations g JOIN members m ON m.id = g.member_id
                    WHERE g.status = 'registered' AND g.event_id IN (\(list)) AND m.workplace_id IN (\(marks))
                    """, arguments: arguments)
                while let row = try rows.next() {
                    let e: Int64 = row[0], w: Int64 = row[1]
                    registeredCount[e, default: [:]][w, default: 0] += 1
                    if names {
                        registered[e, default: [:]][w, default: []].append(
                            ListedMember(id: row[2], firstName: row[3] ?? "", lastName: row[4], role: row[5]))
                    }
                }
            }
        }

        var built: [String: RepWorkplace] = [:]  // by workplace and zone: days left depend on the zone
        func workplace(_ w: Int64, zone: TimeZone) -> RepWorkplace? {
            guard let place = workplaces[w] else { return nil }
            let ballotsHere = ballots.map { b -> WorkplaceBallot in
                let f = b.figures(workplaceID: w, now: now, zone: zone)
                let count = (f.workplaceEligible ?? 0) - (f.workplaceVoted ?? 0)
                let list = (notVoted[b.ballot.id]?[w] ?? []).sorted(by: ListedMember.alphabetical)
                return WorkplaceBallot(figures: f, notVoted: list, notVotedCount: count)
            }
            let eventsHere = events.filter { $0.workplaceID == nil || $0.workplaceID == w }.map { e in
                WorkplaceEvent(event: e, registered: (registered[e.id]?[w] ?? []).sorted(by: ListedMember.alphabetical),
                               registeredCount: registeredCount[e.id]?[w] ?? 0)
            }
            let recent = newMembers[w] ?? []
            return RepWorkplace(
                workplace: place, ballots: ballotsHere, events: eventsHere,
                newMembers: names ? recent.sorted(by: ListedMember.alphabetical) : [], newMemberCount: recent.count)
        }

        var out: [Int64: RepLists] = [:]
        for (rep, rows) in repRows {
            let first = RepChoice.digestWorkplace(among: rows)
            let z = zone(rep)
            var list: [RepWorkplace] = []
            for w in Set(rows.map(\.workplaceID)) {
                let key = "\(w)/\(z.identifier)"
                if let made = built[key] {
                    list.append(made)
                } else if let made = workplace(w, zone: z) {
                    built[key] = made
                    list.append(made)
                }
            }
            list.sort { a, b in
                (a.workplace.id == first ? 0 : 1, a.workplace.name, a.workplace.id) < (b.workplace.id == first ? 0 : 1, b.workplace.name, b.workplace.id)
            }
            out[rep] = RepLists(names: names, workplaces: list)
        }
        return out
    }
}
