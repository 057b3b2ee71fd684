// A small district in a real SQLite file, and shorthands, for the planning tests.
import Foundation
import GRDB
import MusterCore
import MusterStore
import MusterTestSupport

func instant(_ text: String) -> Date {
    guard let d = ISOTime.parseInstant(text) else { fatalError("bad instant in test: \(text)") }
    return d
}

let dorset = Organisation(name: "Dorset NEU", timezone: "Europe/London")

/// A temporary database with two workplaces: 1 Westfield (school), 2 Bay College (college).
struct PlanningDistrict {
    let dir: TemporaryDirectory
    let store: Store

    init() throws {
        dir = try TemporaryDirectory()
        store = try Store(path: dir.file("muster.sqlite"))
        try sql("""
            INSERT INTO workplaces(id, name, kind) VALUES (1, 'Westfield', 'school'), (2, 'Bay College', 'college');
            """)
    }

    func sql(_ text: String, _ arguments: StatementArguments = []) throws {
        try store.pool.write { db in try db.execute(sql: text, arguments: arguments) }
    }

    func member(_ id: Int64, joined: String = "2015-09-01", workplace: Int64? = 1, status: String = "active",
                section: String? = nil, role: String? = nil, timezone: String? = nil) throws {
        try sql("""
            INSERT INTO members(id, membership_number, first_name, email, workplace_id, role, section, status, joined_on, timezone)
            VALUES (?, ?, 'Member', ?, ?, ?, ?, ?, ?, ?)
            """, [id, "N\(id)", "m\(id)@example.org", workplace, role, section, status, joined, timezone])
    }

    func rep(_ member: Int64, workplace: Int64 = 1) throws {
        try sql("INSERT INTO reps(member_id, workplace_id) VALUES (?, ?)", [member, workplace])
    }

    func rules(_ ids: String...) throws -> [Rule] {
        let all = try ScheduleLoader(checkCondition: store.conditionChecker).load(directory: Repository.path("schedules"))
        return ids.map { id in all.first { $0.id == id }! }
    }

    func rule(_ text: String, id: String = "r") throws -> Rule {
        try ScheduleLoader(checkCondition: store.conditionChecker).parse(text, id: id, file: "schedules/\(id).yaml")
    }

    func plan(_ rules: [Rule], at now: String, days: Double = 0, record: Bool = true) throws -> PlanResult {
        try planPass(store: store, rules: rules, organisation: dorset, now: instant(now), horizon: days * 86_400, record: record)
    }

    func count(_ sql: String) throws -> Int {
        try store.pool.read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
    }
}

/// `rule/step/member/event/ballot/occurrence due` for each occurrence, sorted.
func keys(_ r: PlanResult) -> [String] {
    r.occurrences.map { "\($0.dedupeKey) \(ISOTime.format($0.due))" }.sorted()
}
