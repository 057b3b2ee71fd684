import Foundation
import GRDB
import Testing
@testable import MusterStore
import MusterTestSupport

@Suite struct DemoDistrictTests {
    /// 2026-11-23T09:00:00Z, a Monday.
    static let now = Date(timeIntervalSince1970: 1_795_424_400)

    /// Kept for the whole test: its folder goes when it is released.
    let dir: TemporaryDirectory

    init() throws { dir = try TemporaryDirectory() }

    private func demo(seed: UInt64 = 7, members: Int = 1500) throws -> (Store, DemoSummary) {
        let store = try Store(path: dir.file("demo-\(UUID().uuidString).sqlite"))
        let summary = try DemoDistrict.fill(store: store, members: members, seed: seed, now: Self.now)
        return (store, summary)
    }

    private func int(_ store: Store, _ sql: String) throws -> Int {
        try store.pool.read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
    }

    @Test func makesAbout1500MembersAcrossSixtyWorkplacesOfEveryKind() throws {
        let (store, summary) = try demo()
        #expect(summary.members == 1500)
        #expect(summary.workplaces == 60)
        #expect(try int(store, "SELECT count(*) FROM members") == 1500)
        let kinds = try store.pool.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT kind FROM workplaces ORDER BY kind") }
        #expect(kinds == ["college", "nursery", "primary", "secondary", "special"])
        // Mostly active, some lapsed and left; a few with no email, opted out, or in another zone
        let active = try int(store, "SELECT count(*) FROM members WHERE status = 'active'")
        #expect((1200...1420).contains(active))
        #expect(try int(store, "SELECT count(*) FROM members WHERE status = 'lapsed'") > 20)
        #expect(try int(store, "SELECT count(*) FROM members WHERE status = 'left'") > 20)
        #expect((5...80).contains(try int(store, "SELECT count(*) FROM members WHERE email IS NULL")))
        #expect((5...80).contains(try int(store, "SELECT count(*) FROM members WHERE email_opt_out = 1")))
        let zones = try store.pool.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT timezone FROM members WHERE timezone IS NOT NULL ORDER BY 1") }
        #expect(zones == ["America/Chicago", "Asia/Kolkata", "Europe/Berlin"])
        let sections = try store.pool.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT section FROM members ORDER BY 1") }
        #expect(sections == ["leadership", "support staff", "teachers"])
        let roles = Set(try store.pool.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT role FROM members") })
        #expect(roles.isSuperset(of: ["classroom teacher", "headteacher", "deputy head", "assistant head", "business manager",
                                      "executive head", "teaching assistant", "cover supervisor", "SENCo"]))
        // Every address is at example.org or example.net
        #expect(try int(store, "SELECT count(*) FROM members WHERE email NOT LIKE '%.example.org' AND email NOT LIKE '%.example.net'") == 0)
    }

    @Test func joinDatesSpanTenYearsWithAHandfulThisWeek() throws {
        let (store, _) = try demo()
        #expect(try int(store, "SELECT count(*) FROM members WHERE joined_on >= '2026-11-17'") == 6)
        #expect(try int(store, "SELECT count(*) FROM members WHERE joined_on > '2026-11-23'") == 0)
        #expect(try int(store, "SELECT count(*) FROM members WHERE joined_on < '2018-01-01'") > 50)
        #expect(try int(store, "SELECT count(*) FROM members WHERE joined_on < '2016-11-01'") == 0)
    }

    @Test func leavesSomeWorkplacesWithoutARep() throws {
        let (store, summary) = try demo()
        let represented = try int(store, "SELECT count(DISTINCT workplace_id) FROM reps WHERE role = 'workplace rep'")
        #expect((30...50).contains(represented))
        #expect(try int(store, "SELECT count(*) FROM workplaces WHERE id NOT IN (SELECT workplace_id FROM reps)") == 60 - represented)
        #expect(try int(store, "SELECT count(*) FROM reps WHERE role = 'health and safety rep'") > 3)
        #expect(try int(store, "SELECT count(*) FROM reps") == summary.reps)
        // Reps work where they represent
        #expect(try int(store, "SELECT count(*) FROM reps r JOIN members m ON m.id = r.member_id WHERE m.workplace_id <> r.workplace_id") == 0)
    }

    @Test func hasOneBallotOpenNowWithAboutAThirdVotedAndOneClosingThisWeek() throws {
        let (store, _) = try demo()
        let open = try store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, opens_at, closes_at, turnout_threshold FROM ballots ORDER BY id").map(\.description)
        }
        #expect(open == [
            "[id:1 opens_at:\"2026-11-20T09:00:00Z\" closes_at:\"2026-12-14T09:00:00Z\" turnout_threshold:0.5]",
            "[id:2 opens_at:\"2026-11-05T09:00:00Z\" closes_at:\"2026-11-26T09:00:00Z\" turnout_threshold:0.5]",
        ])
        let active = try int(store, "SELECT count(*) FROM members WHERE status = 'active'")
        #expect(try int(store, "SELECT count(*) FROM ballot_members WHERE ballot_id = 1") == active)
        let voted = Double(try int(store, "SELECT count(*) FROM ballot_members WHERE ballot_id = 1 AND voted_at IS NOT NULL"))
        #expect(abs(voted / Double(active) - 0.3) < 0.04)
        #expect(try int(store, "SELECT count(*) FROM ballot_members WHERE voted_at > '2026-11-23T09:00:00Z' OR voted_at < '2026-11-05T09:00:00Z'") == 0)
        // The closing ballot: active support staff only
        #expect(try int(store, "SELECT count(*) FROM ballot_members b JOIN members m ON m.id = b.member_id WHERE b.ballot_id = 2 AND (m.section <> 'support staff' OR m.status <> 'active')") == 0)
        #expect(try int(store, "SELECT count(*) FROM ballot_members WHERE ballot_id = 2") > 100)
    }

    /// A real district's two months (issue 13): a district meeting a month, a conference a term,
    /// many workplace meetings (one for every other workplace, each at its own site), and courses.
    @Test func hasARealDistrictsCalendarForTheNextTwoMonthsOnWeekdayEvenings() throws {
        let (store, summary) = try demo()
        let kinds = try store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT kind, count(*) FROM events GROUP BY kind ORDER BY kind").map { "\($0[0] as String)=\($0[1] as Int)" }
        }
        let half = summary.workplaces / 2
        #expect(kinds == ["conference=1", "cpd=6", "induction=2", "meeting=\(2 + half)", "training=6"])
        #expect(try int(store, "SELECT count(*) FROM events WHERE starts_at <= '2026-11-23T09:00:00Z' OR starts_at > '2027-01-23T09:00:00Z'") == 0)
        #expect(try int(store, "SELECT count(*) FROM events WHERE kind = 'meeting' AND workplace_id IS NULL") == 2)
        #expect(try int(store, "SELECT count(DISTINCT workplace_id) FROM events WHERE kind = 'meeting' AND workplace_id IS NOT NULL") == half)
        #expect(try int(store, "SELECT count(*) FROM events e JOIN workplaces w ON w.id = e.workplace_id WHERE e.location <> w.name") == 0)
        // One district meeting in each of the two months
        #expect(try int(store, "SELECT count(*) FROM events WHERE kind = 'meeting' AND workplace_id IS NULL AND starts_at < '2026-12-23'") == 1)
        #expect(try int(store, "SELECT count(*) FROM events WHERE location IS NULL OR ends_at <= starts_at") == 0)
        // Weekday evenings in London, 16:30 to 19:00 local (UTC in winter); conferences on a Saturday, 10:00 to 16:00
        let times = try store.pool.read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT substr(starts_at, 12, 5) || '-' || substr(ends_at, 12, 5) FROM events WHERE kind <> 'conference' ORDER BY 1")
        }
        #expect(times == ["16:30-18:00", "17:00-18:30", "17:30-19:00"])
        #expect(try int(store, "SELECT count(*) FROM events WHERE kind <> 'conference' AND strftime('%w', starts_at) IN ('0', '6')") == 0)
        #expect(try int(store, "SELECT count(*) FROM events WHERE kind = 'conference' AND (strftime('%w', starts_at) <> '6' OR substr(starts_at, 12, 5) <> '10:00')") == 0)
        // Registrations for courses and conferences, none for meetings
        #expect(try int(store, "SELECT count(*) FROM registrations r JOIN events e ON e.id = r.event_id WHERE e.kind = 'meeting'") == 0)
        #expect(try int(store, "SELECT count(DISTINCT event_id) FROM registrations") == 15)
        #expect(try int(store, "SELECT count(*) FROM registrations") == summary.registrations)
    }

    @Test func theSameSeedGivesTheSameDistrictAndAnotherSeedAnother() throws {
        let (a, _) = try demo(seed: 42)
        let (b, _) = try demo(seed: 42)
        let (c, _) = try demo(seed: 43)
        let fa = try ImportFixtures.fingerprint(a)
        #expect(fa.count > 3000)
        #expect(fa == (try ImportFixtures.fingerprint(b)))
        #expect(fa != (try ImportFixtures.fingerprint(c)))
    }

    @Test func refusesADatabaseThatAlreadyHoldsADistrict() throws {
        let (store, _) = try demo(members: 50)
        #expect(throws: DemoError(reason: "\(store.path) already holds a district; the demo goes only into an empty database")) {
            try DemoDistrict.fill(store: store, seed: 1, now: Self.now)
        }
    }

    @Test func scalesWorkplacesWithMembers() throws {
        let (store, summary) = try demo(members: 5000)
        #expect(summary.workplaces == 200)
        #expect(try int(store, "SELECT count(DISTINCT email) FROM members") == (try int(store, "SELECT count(email) FROM members")))
    }
}
