// The daemon's planning in-process: when it plans (PlanSchedule), what it notices (DataWatcher),
// and that a members-only pass plans what a whole-district pass would for them.
import Foundation
import Logging
import MusterCore
import MusterDaemon
import MusterMail
import MusterStore
import MusterTestSupport
import Testing

@Suite struct DaemonPlanningTests {
    let t = ISOTime.parseInstant("2026-11-23T09:00:00Z")!

    // MARK: PlanSchedule

    @Test func plansEverythingFirstThenOnlyWhenTimeOrChangesCall() {
        var schedule = PlanSchedule(lookahead: 3600)
        #expect(schedule.decide(now: t, changes: nil) == .everything(reason: "start"))

        schedule.planned(everything: true, now: t, nextTimeDue: t.addingTimeInterval(600))
        #expect(schedule.nextPlanAt == t.addingTimeInterval(600))
        #expect(schedule.decide(now: t.addingTimeInterval(599), changes: nil) == .none)
        #expect(schedule.decide(now: t.addingTimeInterval(599), changes: DistrictChanges(through: 4)) == .none)
        #expect(schedule.decide(now: t.addingTimeInterval(60), changes: DistrictChanges(members: [3, 9], through: 5)) == .members([3, 9]))
        #expect(schedule.decide(now: t.addingTimeInterval(60), changes: DistrictChanges(members: [3], everything: true)) == .everything(reason: "changes"))
        #expect(schedule.decide(now: t.addingTimeInterval(600), changes: nil) == .everything(reason: "time"))
        schedule.rulesChanged = true
        #expect(schedule.decide(now: t.addingTimeInterval(60), changes: nil) == .everything(reason: "reload"))
    }

    @Test func looksAtLeastOnceALookaheadAndAMembersPassOnlyBringsTheNextPlanEarlier() {
        var schedule = PlanSchedule(lookahead: 3600)
        schedule.planned(everything: true, now: t, nextTimeDue: nil)
        #expect(schedule.nextPlanAt == t.addingTimeInterval(3600))
        schedule.planned(everything: false, now: t.addingTimeInterval(10), nextTimeDue: t.addingTimeInterval(120))
        #expect(schedule.nextPlanAt == t.addingTimeInterval(120))
        schedule.planned(everything: false, now: t.addingTimeInterval(20), nextTimeDue: nil)
        #expect(schedule.nextPlanAt == t.addingTimeInterval(120))
        schedule.planned(everything: true, now: t.addingTimeInterval(120), nextTimeDue: t.addingTimeInterval(9000))
        #expect(schedule.nextPlanAt == t.addingTimeInterval(3720))
    }

    // MARK: DataWatcher

    @Test func noticesOtherProgramsMembersAndSharedRowsButNotItsOwnOutboxWrites() async throws {
        let district = try await DaemonDistrict.make(transport: "file:outbox/")
        try await district.addMembers(3)
        let store = try Store(path: district.database)
        let seen = try await store.pool.write { db in try ChangeLog.install(db); return try ChangeLog.latest(db) }
        let watcher = try DataWatcher(path: district.database, after: seen)
        #expect(try watcher.poll() == DistrictChanges(through: seen))
        #expect(try watcher.poll() == nil)

        try await district.sql("""
            INSERT INTO members(id, membership_number, first_name, status) VALUES (10, 'N10', 'Ten', 'active');
            UPDATE members SET section = 'leadership' WHERE id IN (2, 10);
            """)
        #expect(try watcher.poll() == DistrictChanges(members: [10, 2], through: seen + 3))

        try await store.pool.write { db in try db.execute(sql: "INSERT INTO muster_meta(key, value) VALUES ('x', 'y')") }
        #expect(try watcher.poll() == DistrictChanges(through: seen + 3))

        try await district.sql("INSERT INTO events(id, kind, title, starts_at) VALUES (1, 'meeting', 'AGM', '2026-12-01T18:00:00Z');")
        #expect(try watcher.poll() == DistrictChanges(everything: true, through: seen + 4))
    }

    // MARK: Members-only passes

    @Test func narrowsEveryRuleToTheMembersKeepingItsOwnCondition() throws {
        var rule = Rule(id: "r", kind: .recurring, topic: "t", steps: [])
        rule.audience.condition = "m.section = 'x'"
        let plain = Rule(id: "p", kind: .recurring, topic: "t", steps: [])
        let narrowed = Engine.narrow([rule, plain], to: [4, 17])
        #expect(narrowed.map(\.audience.condition) == ["(m.section = 'x') AND m.id IN (4,17)", "m.id IN (4,17)"])
    }

    @Test func aMembersPassPlansWhatAWholePassWouldForThoseMembers() async throws {
        let district = try await DaemonDistrict.make(transport: "file:outbox/")
        try await district.addMembers(200)
        try await district.sql("INSERT INTO events(id, kind, title, starts_at) VALUES (1, 'meeting', 'AGM', '2026-11-24T09:00:00Z');")
        let engine = try Self.engine(district)
        let first = try await engine.pass(now: t, lookahead: 3600, delivery: .batches(0))
        #expect(first.queued == 200)

        // Two members join today (welcome and meeting due), one changes section (nothing new due).
        try await district.sql("""
            INSERT INTO members(id, membership_number, first_name, email, status, joined_on) VALUES
                (301, 'N301', 'A', 'a301@example.org', 'active', '2026-11-23'),
                (302, 'N302', 'B', 'b302@example.org', 'active', '2026-11-23');
            UPDATE members SET section = 'leadership' WHERE id = 5;
            """)
        let some = try await engine.pass(now: t.addingTimeInterval(1), scope: .members([301, 302, 5]), lookahead: 3600, delivery: .batches(0))
        #expect(some.due == 5)
        #expect(some.queued == 4)
        let whole = try await engine.pass(now: t.addingTimeInterval(2), lookahead: 3600, delivery: .batches(0))
        #expect(whole.due == 204)
        #expect(whole.queued == 0)
        #expect(try await district.sql("SELECT count(*) FROM muster_outbox;") == "204")
    }

    static func engine(_ district: DaemonDistrict) throws -> Engine {
        let config = try Config.load(path: district.config)
        let d = try District.load(config: config)
        return Engine(district: d, transport: FileTransport(directory: district.dir.file("outbox")), links: nil,
                      logger: Logger(label: "test"))
    }
}
