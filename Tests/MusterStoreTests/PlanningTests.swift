import Foundation
import GRDB
import MusterCore
import MusterStore
import MusterTestSupport
import Testing

@Suite struct PlanningTests {
    @Test func welcomesOnlyNewActiveMembers() throws {
        // Given a long-standing member, a lapsed new one and two new active ones (one in Chicago)
        let d = try PlanningDistrict()
        try d.member(1, joined: "2012-01-05")
        try d.member(2, joined: "2026-11-23", status: "lapsed")
        try d.member(3, joined: "2026-11-23")
        try d.member(4, joined: "2026-11-23", timezone: "America/Chicago")
        // When a tick runs at 09:30 London
        let r = try d.plan(try d.rules("welcome"), at: "2026-11-23T09:30:00Z")
        // Then only the London new starter is due yet; the Chicago one at 09:00 CST
        #expect(keys(r) == ["welcome/1/m3/-/-/ 2026-11-23T09:00:00Z"])
        let later = try d.plan(try d.rules("welcome"), at: "2026-11-23T15:00:00Z")
        #expect(keys(later) == ["welcome/1/m3/-/-/ 2026-11-23T09:00:00Z", "welcome/1/m4/-/-/ 2026-11-23T15:00:00Z"])
        #expect(try d.count("SELECT count(*) FROM muster_rule_state WHERE rule = 'welcome' AND first_planned_at = '2026-11-23T09:30:00Z' AND last_planned_at = '2026-11-23T15:00:00Z'") == 1)
    }

    @Test func mailsNobodyForThePastInADatabaseOfLongStandingMembers() throws {
        // Given 300 members who joined over the years before this year, and one 20 days ago
        let d = try PlanningDistrict()
        try d.sql("""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
            INSERT INTO members(id, membership_number, first_name, joined_on)
            SELECT i, 'N' || i, 'M', date('2025-11-01', '-' || (i * 7) || ' days') FROM n
            """)
        try d.member(1000, joined: "2026-11-03")
        // When every shipped rule is planned for the first time
        let all = try ScheduleLoader().load(directory: Repository.path("schedules"))
        let r = try d.plan(all, at: "2026-11-23T09:30:00Z")
        // Then nothing goes out, and the newcomer's two past welcome steps are reported as skipped
        #expect(r.occurrences.isEmpty)
        #expect(r.skippedPastGrace == ["welcome": 2])
        #expect(try d.count("SELECT count(*) FROM muster_rule_state") == 11)
    }

    @Test func aForecastWritesNothing() throws {
        let d = try PlanningDistrict()
        try d.member(1, joined: "2026-11-23")
        try d.member(2, section: "leadership")
        let r = try d.plan(try d.rules("welcome", "leadership-welcome"), at: "2026-11-22T00:00:00Z", days: 30, record: false)
        #expect(keys(r) == [
            "welcome/1/m1/-/-/ 2026-11-23T09:00:00Z", "welcome/2/m1/-/-/ 2026-11-30T09:00:00Z",
            "welcome/3/m1/-/-/ 2026-12-21T09:00:00Z",
        ])
        #expect(try d.count("SELECT count(*) FROM muster_rule_state") == 0)
        #expect(try d.count("SELECT count(*) FROM muster_audience_entries") == 0)
    }

    @Test func welcomesSomeonePromotedIntoLeadershipFromThatDayButNeverTheBaseline() throws {
        // Given two members already in leadership when the rule is first planned
        let d = try PlanningDistrict()
        try d.member(1, section: "leadership")
        try d.member(2, section: "leadership")
        try d.member(3, section: "teachers")
        let rules = try d.rules("leadership-welcome")
        #expect(try d.plan(rules, at: "2026-11-23T09:30:00Z").occurrences.isEmpty)
        #expect(try d.count("SELECT count(*) FROM muster_audience_entries WHERE rule = 'leadership-welcome' AND baseline = 1") == 2)
        // When member 3 is promoted, and muster sees it at 14:00 the next day
        try d.sql("UPDATE members SET section = 'leadership' WHERE id = 3")
        let forecast = try d.plan(rules, at: "2026-11-24T14:00:00Z", record: false)
        #expect(keys(forecast) == ["leadership-welcome/1/m3/-/-/ 2026-11-24T09:00:00Z"])
        let r = try d.plan(rules, at: "2026-11-24T14:00:00Z")
        // Then they get the welcome of that day, and the baseline never does
        #expect(keys(r) == ["leadership-welcome/1/m3/-/-/ 2026-11-24T09:00:00Z"])
        #expect(try d.count("SELECT count(*) FROM muster_audience_entries WHERE member_id = 3 AND baseline = 0 AND entered_at = '2026-11-24T14:00:00Z'") == 1)
        // And a later pass neither moves their entry nor mails anyone else
        let again = try d.plan(rules, at: "2026-11-24T15:00:00Z")
        #expect(keys(again) == ["leadership-welcome/1/m3/-/-/ 2026-11-24T09:00:00Z"])
        #expect(try d.plan(rules, at: "2026-11-27T15:00:00Z").occurrences.isEmpty)
    }

    @Test func appliesEachAudienceFilter() throws {
        let d = try PlanningDistrict()
        try d.member(1, joined: "2026-10-01", workplace: 1, section: "teachers", role: "teacher")
        try d.member(2, joined: "2020-10-01", workplace: 2, section: "support", role: "technician")
        try d.member(3, joined: "2020-10-01", workplace: 2, status: "lapsed")
        try d.member(4, joined: "2020-10-01", workplace: nil)
        try d.rep(2, workplace: 2)
        func who(_ audience: String) throws -> [Int64] {
            let rule = try d.rule("kind: recurring\ncron: \"0 7 * * MON\"\ntopic: n\ntemplate: t\naudience: \(audience)")
            return try d.plan([rule], at: "2026-11-30T07:05:00Z", record: false).occurrences.map(\.memberID).sorted()
        }
        #expect(try who("{}") == [1, 2, 4])
        #expect(try who("{ status: [active, lapsed] }") == [1, 2, 3, 4])
        #expect(try who("{ section: support }") == [2])
        #expect(try who("{ role: [teacher, technician] }") == [1, 2])
        #expect(try who("{ workplace_kind: college }") == [2])
        #expect(try who("{ workplace: Westfield }") == [1])
        #expect(try who("{ workplace: [2, Westfield] }") == [1, 2])
        #expect(try who("{ rep: true }") == [2])
        #expect(try who("{ rep: false }") == [1, 4])
        #expect(try who(#"{ where: "w.id IS NULL" }"#) == [4])
        #expect(try who(#"{ where: "m.joined_on >= date(:today, '-120 days') AND :now > '2026'" }"#) == [1])
    }

    @Test func refusesAWhereThatIsNotAReadOnlyCondition() throws {
        let d = try PlanningDistrict()
        let head = "kind: recurring\ncron: \"0 7 * * MON\"\ntopic: n\ntemplate: t\naudience:\n  rep: true\n"
        func error(_ whereLine: String) -> String {
            do { _ = try d.rule(head + whereLine); return "no error" } catch { return "\(error)" }
        }
        #expect(error(#"  where: "1); DROP TABLE members; --""#)
            == "schedules/r.yaml:7: audience: 'where' must be one read-only SQL condition over m and w: it may not contain ';'")
        #expect(error(#"  where: "m.colour = 'red'""#)
            == "schedules/r.yaml:7: audience: 'where' is not a valid condition: no such column: m.colour")
        #expect(error(#"  where: "m.joined_on > :since""#)
            == "schedules/r.yaml:7: audience: 'where' may use no parameters but :now and :today")
        #expect(error(#"  where: "m.id > ?""#) == "schedules/r.yaml:7: audience: 'where' may use no parameters but :now and :today")
        #expect(error(#"  where: "m.id IN (SELECT member_id FROM reps)""#) == "no error")
        #expect(try d.count("SELECT count(*) FROM sqlite_master WHERE name = 'members'") == 1)
        // The same check for rules built elsewhere
        var rule = try d.rule(head + #"  where: "1""#)
        rule.audience.condition = "nope = 1"
        #expect(d.checkConditionsText([rule]) == ["schedules/r.yaml:7: audience: 'where' is not a valid condition: no such column: nope"])
    }

    @Test func loadsTheShippedSchedulesWithTheStoreCheckingEveryCondition() throws {
        let d = try PlanningDistrict()
        let rules = try ScheduleLoader(checkCondition: d.store.conditionChecker).load(directory: Repository.path("schedules"))
        #expect(rules.count == 11)
        #expect(d.store.checkConditions(rules).isEmpty)
    }
}

extension PlanningDistrict {
    func checkConditionsText(_ rules: [Rule]) -> [String] {
        store.checkConditions(rules).map(\.description)
    }
}
