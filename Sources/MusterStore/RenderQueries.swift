// Reading what a message says from the district's tables: member, workplace, rep, event, ballot, digest.
import Foundation
import GRDB
import MusterCore

/// A row the district's tables hold that a message cannot be made from, e.g. an event whose start is not a time.
public struct RenderDataError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Loads RenderInputs, many members at once for one occurrence (the delivery path renders up to 500,000).
///
/// ```
/// let q = RenderQueries(store: store, organisation: config.organisation)
/// let inputs = try q.inputs(memberIDs: ids, ballotID: 3, now: now)   // [memberID: RenderInput]
/// ```
/// Everything is read in one transaction per call: a handful of queries, whatever the number of members.
/// Links are left empty for the caller to fill.
public struct RenderQueries: Sendable {
    public let store: Store
    public let organisation: Organisation
    /// `reps.see_names`: whether reps' messages name members of their own workplaces.
    public let seeNames: Bool

    /// Events a rep's digest looks ahead to, and how far back it counts new members.
    public static let digestEventDays = 14
    public static let digestNewMemberDays = 7

    public init(store: Store, organisation: Organisation, seeNames: Bool = false) {
        self.store = store
        self.organisation = organisation
        self.seeNames = seeNames
    }

    /// One member's input, or nil when the member is not in the database.
    /// `repWorkplaceID` chooses the workplace of a rep's digest (default: one they represent).
    public func input(
        memberID: Int64, eventID: Int64? = nil, ballotID: Int64? = nil, digest: Bool = false, repLists: Bool = false,
        repWorkplaceID: Int64? = nil, now: Date
    ) throws -> RenderInput? {
        let overrides = repWorkplaceID.map { [memberID: $0] } ?? [:]
        return try inputs(
            memberIDs: [memberID], eventID: eventID, ballotID: ballotID, digest: digest, repLists: repLists,
            repWorkplaceIDs: overrides, now: now)[memberID]
    }

    /// Inputs for many members for one occurrence: the same event or ballot, or each rep's digest.
    /// Members not in the database are absent from the result. Throws `RenderDataError` when the event or
    /// ballot is missing or its times cannot be read.
    ///
    /// A digest, and with `repLists` a ballot (its `to: reps` step), also carries each rep's
    /// `RepLists`: only the workplaces where that member is a rep, names only with `seeNames`.
    public func inputs(
        memberIDs: [Int64], eventID: Int64? = nil, ballotID: Int64? = nil, digest: Bool = false, repLists: Bool = false,
        repWorkplaceIDs: [Int64: Int64] = [:], now: Date
    ) throws -> [Int64: RenderInput] {
        let org = organisation
        let names = seeNames
        return try store.pool.read { db -> [Int64: RenderInput] in
            let members = try Self.members(db, ids: memberIDs)
            let workplaceIDs = Set(members.values.compactMap(\.workplaceID))
            let workplaces = try Self.workplaces(db, ids: workplaceIDs)
            let reps = try Self.reps(db, workplaceIDs: workplaceIDs)
            let change = try eventID.flatMap { try EventRevisions.change(db, eventID: $0) }
            let event = try eventID.map { try Self.event(db, id: $0, seen: change) }
            let ballot = try ballotID.map { try Self.ballotCounts(db, id: $0) }
            var digestSource: DigestSource?
            var lists: [Int64: RepLists] = [:]
            func zone(_ id: Int64) -> TimeZone { org.timeZone(member: members[id]?.timezone) }
            if digest {
                let source = try DigestSource.load(db, memberIDs: Array(members.keys), now: now, organisation: org, names: names)
                digestSource = source
                lists = try RepListQueries.load(
                    db, repRows: source.repRows, ballots: source.openBallots, events: source.events,
                    newMembers: source.newMembers.mapValues { $0.map(ListedMember.init) }, names: names, now: now, zone: zone)
            } else if repLists, let ballot {
                lists = try RepListQueries.load(
                    db, repRows: try RepListQueries.repRows(db, memberIDs: Array(members.keys)), ballots: [ballot], events: [],
                    newMembers: [:], names: names, now: now, zone: zone)
            }

            var result: [Int64: RenderInput] = [:]
            result.reserveCapacity(members.count)
            for (id, member) in members {
                let zone = org.timeZone(member: member.timezone)
                var input = RenderInput(organisation: org, member: member, timeZone: zone)
                if let w = member.workplaceID {
                    input.workplace = workplaces[w]
                    input.rep = RepChoice.rep(for: member.id, among: reps[w] ?? [])
                }
                input.event = event
                input.eventChange = change
                if let ballot {
                    input.ballot = ballot.figures(workplaceID: member.workplaceID, now: now, zone: zone)
                }
                if let digestSource {
                    let w = repWorkplaceIDs[id] ?? digestSource.repWorkplace[id] ?? member.workplaceID
                    input.digest = digestSource.digest(workplaceID: w, now: now, zone: zone)
                }
                input.repLists = lists[id]
                result[id] = input
            }
            return result
        }
    }

    // MARK: rows

    static let memberColumns = """
        id, membership_number, first_name, last_name, email, workplace_id, role, section, status, joined_on,
        timezone, email_opt_out
        """

    /// A member from `memberColumns`, starting at column `at` of the row. Read by position: a
    /// lookup by name lower-cases the name, for every column of every row.
    static func member(_ row: Row, at i: Int = 0) -> Member {
        Member(
            id: row[i], membershipNumber: row[i + 1] ?? "",
            firstName: row[i + 2] ?? "", lastName: row[i + 3],
            email: row[i + 4], workplaceID: row[i + 5], role: row[i + 6],
            section: row[i + 7],
            status: MemberStatus(rawValue: row[i + 8] ?? "active") ?? .active,
            joinedOn: row[i + 9], timezone: row[i + 10],
            emailOptOut: (row[i + 11] as Int?) == 1)
    }

    static func members(_ db: Database, ids: [Int64]) throws -> [Int64: Member] {
        var out: [Int64: Member] = [:]
        try InList.forEach(ids) { marks, arguments in
            let rows = try Row.fetchAll(db, sql: "SELECT \(memberColumns) FROM members WHERE id IN (\(marks))", arguments: arguments)
            for row in rows {
                let m = member(row)
                out[m.id] = m
            }
        }
        return out
    }

    static func workplaces(_ db: Database, ids: Set<Int64>) throws -> [Int64: Workplace] {
        guard !ids.isEmpty else { return [:] }
        var out: [Int64: Workplace] = [:]
        try InList.forEach(ids) { marks, arguments in
            for row in try Row.fetchAll(
                db, sql: "SELECT id, name, kind, town, staff_count FROM workplaces WHERE id IN (\(marks))", arguments: arguments)
            {
                let w = Workplace(id: row["id"], name: row["name"] ?? "", kind: row["kind"], town: row["town"], staffCount: row["staff_count"])
                out[w.id] = w
            }
        }
        return out
    }

    /// Active members who represent each workplace.
    static func reps(_ db: Database, workplaceIDs: Set<Int64>) throws -> [Int64: [RepContact]] {
        guard !workplaceIDs.isEmpty else { return [:] }
        let cols = memberColumns.split(separator: ",").map { "m.\($0.trimmingCharacters(in: .whitespacesAndNewlines)) AS m_\($0.trimmingCharacters(in: .whitespacesAndNewlines))" }
            .joined(separator: ", ")
        var out: [Int64: [RepContact]] = [:]
        try InList.forEach(workplaceIDs) { marks, arguments in
            let rows = try Row.fetchAll(db, sql: """
                SELECT r.workplace_id AS r_workplace_id, r.role AS r_role, \(cols)
                FROM reps r JOIN members m ON m.id = r.member_id
                WHERE r.workplace_id IN (\(marks)) AND m.status = 'active'
                """, arguments: arguments)
            for row in rows {
                let m = member(row, at: 2)
                let w: Int64 = row[0]
                out[w, default: []].append(RepContact(member: m, rep: Rep(memberID: m.id, workplaceID: w, role: row[1])))
            }
        }
        return out
    }

    /// The event's row; for a row deleted since muster saw it, what muster last saw (cancelled), so
    /// that its cancellation notice can still be written.
    static func event(_ db: Database, id: Int64, seen: EventChange? = nil) throws -> Event {
        guard let row = try Row.fetchOne(db, sql: "SELECT \(EventRows.columns) FROM events WHERE id = ?", arguments: [id]) else {
            if let seen, seen.isCancelled { return seen.event }
            throw RenderDataError("event \(id) is not in the database")
        }
        return try EventRows.decode(row)
    }

    static func ballotCounts(_ db: Database, id: Int64) throws -> BallotCounts {
        guard let row = try Row.fetchOne(db, sql: "SELECT \(BallotRows.columns) FROM ballots WHERE id = ?", arguments: [id]) else {
            throw RenderDataError("ballot \(id) is not in the database")
        }
        return try BallotCounts.load(db, ballot: BallotRows.decode(row))
    }
}

/// A ballot's eligible and voted counts, overall and by workplace.
struct BallotCounts: Sendable {
    var ballot: Ballot
    var voted = 0
    var eligible = 0
    var byWorkplace: [Int64: (voted: Int, eligible: Int)] = [:]

    static func load(_ db: Database, ballot: Ballot) throws -> BallotCounts {
        var c = BallotCounts(ballot: ballot)
        let rows = try Row.fetchAll(db, sql: """
            SELECT m.workplace_id AS w, count(*) AS eligible,
                   sum(CASE WHEN \(BallotVote.hasVoted("bm.voted_at")) THEN 1 ELSE 0 END) AS voted
            FROM ballot_members bm JOIN members m ON m.id = bm.member_id
            WHERE bm.ballot_id = ?
            GROUP BY m.workplace_id
            """, arguments: [ballot.id])
        for row in rows {
            let e: Int = row["eligible"], v: Int = row["voted"] ?? 0
            c.eligible += e
            c.voted += v
            if let w: Int64 = row["w"] { c.byWorkplace[w] = (v, e) }
        }
        return c
    }

    func figures(workplaceID: Int64?, now: Date, zone: TimeZone) -> BallotFigures {
        let w = workplaceID.flatMap { byWorkplace[$0] }
        return BallotFigures(
            ballot: ballot, daysLeft: LocalTime.daysBetween(now, ballot.closesAt, in: zone), voted: voted, eligible: eligible,
            workplaceVoted: workplaceID == nil ? nil : (w?.voted ?? 0),
            workplaceEligible: workplaceID == nil ? nil : (w?.eligible ?? 0))
    }
}

/// What reps' digests are made from, read once for all the reps of one run.
struct DigestSource: Sendable {
    var events: [Event]
    var openBallots: [BallotCounts]
    /// Members who joined recently, by workplace (name, role, joined date; never an address).
    var newMembers: [Int64: [Member]]
    /// Whether the digest names them (`reps.see_names`); without it only their number is shown.
    var names: Bool
    /// The rep rows of the digest's recipients.
    var repRows: [Int64: [Rep]]
    /// The workplace each rep represents (a 'workplace rep' role first).
    var repWorkplace: [Int64: Int64]

    static func load(_ db: Database, memberIDs: [Int64], now: Date, organisation: Organisation, names: Bool) throws -> DigestSource {
        let horizon = now.addingTimeInterval(Double(RenderQueries.digestEventDays) * 86_400)
        // Rows whose times cannot be read are left out of digests: they are not this message's fault.
        let events = try Row.fetchAll(db, sql: "SELECT \(EventRows.columns) FROM events").compactMap { try? EventRows.decode($0) }
            .filter { $0.startsAt >= now && $0.startsAt < horizon }
            .sorted { ($0.startsAt, $0.id) < ($1.startsAt, $1.id) }
        let ballots = try Row.fetchAll(db, sql: "SELECT \(BallotRows.columns) FROM ballots").compactMap { try? BallotRows.decode($0) }
            .filter { $0.opensAt <= now && now < $0.closesAt }
            .sorted { ($0.closesAt, $0.id) < ($1.closesAt, $1.id) }
        let open = try ballots.map { try BallotCounts.load(db, ballot: $0) }

        let zone = organisation.timeZone
        let since = LocalTime.day(of: now, in: zone).adding(days: -RenderQueries.digestNewMemberDays).description
        let today = LocalTime.day(of: now, in: zone).description
        var newMembers: [Int64: [Member]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT id, first_name, last_name, workplace_id, role, joined_on FROM members
            WHERE status = 'active' AND workplace_id IS NOT NULL AND joined_on >= ? AND joined_on <= ?
            ORDER BY joined_on, id
            """, arguments: [since, today])
        {
            let m = Member(id: row[0], membershipNumber: "", firstName: row[1] ?? "", lastName: row[2], role: row[4], joinedOn: row[5])
            newMembers[row[3], default: []].append(m)
        }

        let repRows = try RepListQueries.repRows(db, memberIDs: memberIDs)
        let repWorkplace = repRows.compactMapValues(RepChoice.digestWorkplace)
        return DigestSource(events: events, openBallots: open, newMembers: newMembers, names: names, repRows: repRows,
                            repWorkplace: repWorkplace)
    }

    func digest(workplaceID: Int64?, now: Date, zone: TimeZone) -> RepDigest {
        let recent = workplaceID.flatMap { newMembers[$0] } ?? []
        return RepDigest(
            upcomingEvents: events.filter { $0.workplaceID == nil || $0.workplaceID == workplaceID },
            openBallots: openBallots.map { $0.figures(workplaceID: workplaceID, now: now, zone: zone) },
            newMembers: names ? recent : [], newMemberCount: recent.count, names: names, workplaceID: workplaceID)
    }
}
