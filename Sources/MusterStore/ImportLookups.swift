// What an import checks references against: the workplaces, events, ballots and members already stored.
import Foundation
import GRDB
import MusterCore

/// ImportLookups for one import, made inside its transaction.
final class ImportLookups {
    let workplaces: Set<Int64>
    let events: Set<Int64>
    let ballots: Set<Int64>
    private let memberByNumber: Statement?
    private let memberByID: Statement?
    private var zones: [String: Bool] = [:]

    init(db: Database, spec: KindSpec) throws {
        func ids(_ table: String, _ needed: Bool) throws -> Set<Int64> {
            needed ? Set(try Int64.fetchAll(db, sql: "SELECT id FROM \(table)")) : []
        }
        let checks = spec.columns.map(\.check)
        workplaces = try ids("workplaces", checks.contains { if case .workplace = $0 { true } else { false } })
        events = try ids("events", checks.contains { if case .event = $0 { true } else { false } })
        ballots = try ids("ballots", checks.contains { if case .ballot = $0 { true } else { false } })
        memberByNumber = spec.namesMember ? try db.makeStatement(sql: "SELECT id FROM members WHERE membership_number = ?") : nil
        memberByID = spec.namesMember ? try db.makeStatement(sql: "SELECT id FROM members WHERE id = ?") : nil
    }

    /// The id of the member with this membership number.
    func member(number: String) throws -> Int64? {
        guard let memberByNumber else { return nil }
        return try Int64.fetchOne(memberByNumber, arguments: [number])
    }

    /// Whether a member has this id.
    func member(id: Int64) throws -> Bool {
        guard let memberByID else { return false }
        return try Int64.fetchOne(memberByID, arguments: [id]) != nil
    }

    /// Whether `name` is an IANA zone this system knows (remembered, since members repeat a few):
    /// ``ZoneNames/isIANA(_:)``, so `EST5EDT` is taken and abbreviations such as `BST` or `EST` are not.
    func isTimeZone(_ name: String) -> Bool {
        if let known = zones[name] { return known }
        let known = ZoneNames.isIANA(name)
        zones[name] = known
        return known
    }
}
