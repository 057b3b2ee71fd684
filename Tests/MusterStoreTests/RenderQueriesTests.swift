// RenderQueries against a real SQLite file: who the rep is, ballot turnout, the reps' digest.
import Foundation
import MusterCore
import MusterStore
import MusterTestSupport
import MusterTemplates
import Testing

@Suite struct RenderQueriesTests {
    static let org = Organisation(name: "Dorset NEU", timezone: "Europe/London")
    static let now = ISOTime.parseInstant("2026-11-30T09:00:00Z")!  // a Monday

    /// A district of two workplaces: Hillside (1) with two reps and a rep who left, Oakfield (2) with one.
    static func district(in dir: TemporaryDirectory) throws -> RenderQueries {
        let store = try Store(path: dir.file("muster.sqlite"))
        try store.pool.write { db in
            try db.execute(sql: """
                INSERT INTO workplaces(id, name, kind, town) VALUES (1, 'Hillside Primary School', 'primary', 'Dorchester'),
                    (2, 'Oakfield Academy', 'secondary', 'Poole');
                INSERT INTO members(id, membership_number, first_name, last_name, email, workplace_id, status, joined_on, timezone) VALUES
                    (1, 'A1', 'Sam', 'Taylor', 'sam@example.org', 1, 'active', '2026-11-20', NULL),
                    (2, 'A2', 'Priya', 'Shah', 'priya@example.org', 1, 'active', '2019-09-01', NULL),
                    (3, 'A3', 'Dan', 'Okafor', 'dan@example.org', 1, 'active', '2020-01-06', NULL),
                    (4, 'A4', 'Lee', 'Hart', 'lee@example.org', 2, 'active', '2018-04-01', NULL),
                    (5, 'A5', 'Ana', NULL, 'ana@example.org', NULL, 'active', '2026-11-28', NULL),
                    (6, 'A6', 'Kim', 'Ward', 'kim@example.org', 1, 'left', '2010-01-01', NULL),
                    (7, 'A7', 'Tom', 'Reid', 'tom@example.org', 1, 'active', '2026-11-27', 'America/Chicago');
                INSERT INTO reps(member_id, workplace_id, role) VALUES (2, 1, 'workplace rep'), (3, 1, 'H&S rep'),
                    (6, 1, 'workplace rep'), (4, 2, 'workplace rep');
                INSERT INTO events(id, kind, title, starts_at, ends_at, location, workplace_id) VALUES
                    (1, 'meeting', 'District meeting', '2026-12-01T18:30:00Z', '2026-12-01T20:00:00Z', 'Corn Exchange', NULL),
                    (2, 'training', 'Oakfield training', '2026-12-03T09:00:00+00:00', NULL, NULL, 2),
                    (3, 'meeting', 'January meeting', '2027-01-10T18:30:00Z', NULL, NULL, NULL),
                    (4, 'meeting', 'Hillside meeting', '2026-12-02T16:00:00+01:00', NULL, 'Staffroom', 1),
                    (5, 'meeting', 'Broken', 'next Tuesday', NULL, NULL, NULL);
                INSERT INTO ballots(id, title, opens_at, closes_at, turnout_threshold, url) VALUES
                    (1, 'Ballot on pay', '2026-11-16T08:00:00Z', '2026-12-04T17:00:00Z', 50, 'https://example.org/b'),
                    (2, 'Old ballot', '2026-01-01T08:00:00Z', '2026-01-20T17:00:00Z', 0.5, NULL);
                INSERT INTO ballot_members(ballot_id, member_id, voted_at) VALUES
                    (1, 1, NULL), (1, 2, '2026-11-20T10:00:00Z'), (1, 3, '2026-11-21T10:00:00Z'), (1, 7, ''), (1, 4, NULL);
                """)
        }
        return RenderQueries(store: store, organisation: org)
    }

    @Test func aMemberGetsTheirWorkplaceAndItsWorkplaceRep() throws {
        let dir = try TemporaryDirectory()
        let q = try Self.district(in: dir)
        let input = try #require(try q.input(memberID: 1, now: Self.now))
        #expect(input.member.firstName == "Sam")
        #expect(input.workplace?.name == "Hillside Primary School")
        // The 'workplace rep' who is still a member, not the H&S rep, nor the rep who left
        #expect(input.rep?.member.id == 2)
        #expect(input.rep?.rep.role == "workplace rep")
        #expect(input.timeZone.identifier == "Europe/London")
    }

    @Test func aRepIsToldAboutAnotherRepWhenThereIsOne() throws {
        let dir = try TemporaryDirectory()
        let q = try Self.district(in: dir)
        let all = try q.inputs(memberIDs: [2, 4, 5, 999], now: Self.now)
        #expect(Set(all.keys) == [2, 4, 5])
        #expect(all[2]?.rep?.member.id == 3)   // Priya hears of Dan
        #expect(all[4]?.rep?.member.id == 4)   // Lee is Oakfield's only rep
        #expect(all[5]?.workplace == nil)
        #expect(all[5]?.rep == nil)
    }

    @Test func ballotTurnoutIsCountedOverallAndAtTheWorkplace() throws {
        let dir = try TemporaryDirectory()
        let q = try Self.district(in: dir)
        let b = try #require(try q.input(memberID: 1, ballotID: 1, now: Self.now)?.ballot)
        // 2 of 5 voted (an empty voted_at is no vote); at Hillside 2 of 4; threshold stored as 50
        #expect((b.voted, b.eligible, b.workplaceVoted, b.workplaceEligible) == (2, 5, 2, 4))
        #expect((b.turnoutPercent, b.workplaceTurnoutPercent, b.thresholdPercent) == (40, 50, 50))
        #expect(b.daysLeft == 4)  // Monday to Friday
        let none = try #require(try q.input(memberID: 5, ballotID: 1, now: Self.now)?.ballot)
        #expect(none.workplaceTurnoutPercent == nil)
    }

    @Test func daysLeftAreCountedInTheMembersOwnZone() throws {
        let dir = try TemporaryDirectory()
        let q = try Self.district(in: dir)
        let late = ISOTime.parseInstant("2026-12-01T03:00:00Z")!  // Tuesday in London, still Monday in Chicago
        let all = try q.inputs(memberIDs: [1, 7], ballotID: 1, now: late)
        #expect(all[1]?.ballot?.daysLeft == 3)
        #expect(all[7]?.ballot?.daysLeft == 4)
        #expect(all[7]?.timeZone.identifier == "America/Chicago")
    }

    @Test func theEventIsReadWithItsOffset() throws {
        let dir = try TemporaryDirectory()
        let q = try Self.district(in: dir)
        let e = try #require(try q.input(memberID: 1, eventID: 4, now: Self.now)?.event)
        #expect(e.startsAt == ISOTime.parseInstant("2026-12-02T15:00:00Z"))
        #expect(e.location == "Staffroom")
    }

    @Test func aMissingOrBrokenEventFailsWithTheReason() throws {
        let dir = try TemporaryDirectory()
        let q = try Self.district(in: dir)
        #expect(throws: RenderDataError("event 99 is not in the database")) {
            try q.input(memberID: 1, eventID: 99, now: Self.now)
        }
        #expect(throws: RenderDataError("events id 5: starts_at \"next Tuesday\" is not an ISO 8601 time such as 2026-11-23T09:00:00Z")) {
            try q.input(memberID: 1, eventID: 5, now: Self.now)
        }
    }

    @Test func aRepsDigestHoldsTheFortnightOpenBallotsAndNewStarters() throws {
        let dir = try TemporaryDirectory()
        let q = try Self.district(in: dir)
        let d = try #require(try q.input(memberID: 2, digest: true, now: Self.now)?.digest)
        // District-wide and Hillside events in the next 14 days, soonest first
        #expect(d.upcomingEvents.map(\.id) == [1, 4])
        #expect(d.openBallots.map(\.ballot.id) == [1])
        #expect(d.openBallots.first?.workplaceTurnoutPercent == 50)
        // Joined at Hillside in the last 7 days: a count only, since reps.see_names is off by default
        #expect(d.newMembers.isEmpty)
        #expect(d.newMemberCount == 1)
        #expect(!d.names)
        // With names on: the name (never the address)
        let named = RenderQueries(store: q.store, organisation: q.organisation, seeNames: true)
        let withNames = try #require(try named.input(memberID: 2, digest: true, now: Self.now)?.digest)
        #expect(withNames.newMembers.map(\.firstName) == ["Tom"])
        #expect(withNames.newMembers.first?.email == nil)
        // Lee's digest is Oakfield's
        let lee = try #require(try q.input(memberID: 4, digest: true, now: Self.now)?.digest)
        #expect(lee.upcomingEvents.map(\.id) == [1, 2])
        #expect(lee.newMembers.isEmpty)
        #expect(lee.openBallots.first?.workplaceTurnoutPercent == 0)
    }

    @Test func aShippedTemplateRendersFromTheDatabase() throws {
        // Given Sam, who has not voted
        let dir = try TemporaryDirectory()
        let q = try Self.district(in: dir)
        var input = try #require(try q.input(memberID: 1, ballotID: 1, now: Self.now))
        input.links.voted = "https://muster.example.org/v/x"
        // When the reminder is rendered
        let m = try TemplateSet(directory: Repository.path("templates"), displayPath: "templates").render(template: "ballot-reminder", input: input)
        // Then it carries the workplace's turnout against the threshold
        #expect(m.subject == "Have you voted yet, Sam? Ballot on pay")
        #expect(m.text.contains("At Hillside Primary School, 2 of 4 members have voted so far (50%).\n"))
        #expect(m.text.contains("Turnout across the district is 40%, and we need at least 50% for the result to count."))
        #expect(m.text.contains("You have 4 days left: voting closes on Friday 4 December, 17:00."))
        #expect(m.text.contains("Already voted? Tell us: https://muster.example.org/v/x\n"))
    }
}
