import Foundation
import GRDB
import MusterCore
import MusterStore
import MusterTestSupport
import Testing

@Suite struct PlanningEventsBallotsTests {
    /// Members 1, 2 at Westfield (2 a rep), 3 at Bay College (a rep there), 4 at Westfield in Chicago, 5 lapsed.
    private func district() throws -> PlanningDistrict {
        let d = try PlanningDistrict()
        try d.member(1)
        try d.member(2)
        try d.member(3, workplace: 2)
        try d.member(4, timezone: "America/Chicago")
        try d.member(5, status: "lapsed")
        try d.rep(2)
        try d.rep(3, workplace: 2)
        return d
    }

    @Test func remindsAWorkplaceMeetingToItsMembersAndADistrictOneToAll() throws {
        let d = try district()
        try d.sql("""
            INSERT INTO events(id, kind, title, starts_at, workplace_id) VALUES
              (10, 'meeting', 'Westfield branch', '2026-12-01T16:00:00Z', 1),
              (11, 'conference', 'District conference', '2026-12-01T10:00:00+00:00', NULL),
              (12, 'training', 'Not a meeting', '2026-12-01T10:00:00Z', NULL)
            """)
        let r = try d.plan(try d.rules("meeting-reminders"), at: "2026-11-24T09:30:00Z")
        #expect(keys(r) == [
            "meeting-reminders/1/m1/e10/-/ 2026-11-24T09:00:00Z", "meeting-reminders/1/m1/e11/-/ 2026-11-24T09:00:00Z",
            "meeting-reminders/1/m2/e10/-/ 2026-11-24T09:00:00Z", "meeting-reminders/1/m2/e11/-/ 2026-11-24T09:00:00Z",
            "meeting-reminders/1/m3/e11/-/ 2026-11-24T09:00:00Z",
        ])
        #expect(r.occurrences.allSatisfy { $0.calendar && $0.topic == "meetings" })
        // The Chicago member's reminders come at 09:00 and 17:00 Chicago time
        let chicago = try d.plan(try d.rules("meeting-reminders"), at: "2026-11-24T00:00:00Z", days: 8, record: false)
            .occurrences.filter { $0.memberID == 4 }.map { "e\($0.eventID!) \(ISOTime.format($0.due))" }.sorted()
        #expect(chicago == ["e10 2026-11-24T15:00:00Z", "e10 2026-11-30T23:00:00Z", "e11 2026-11-24T15:00:00Z", "e11 2026-11-30T23:00:00Z"])
    }

    @Test func remindsRegisteredMembersAndInvitesRepsWhoHaveNotRegistered() throws {
        let d = try district()
        try d.sql("""
            INSERT INTO events(id, kind, title, starts_at, workplace_id) VALUES
              (20, 'training', 'Casework', '2026-12-08T09:30:00Z', NULL),
              (21, 'cpd', 'Phonics', '2026-11-26T16:00:00Z', 2);
            INSERT INTO registrations(event_id, member_id, status) VALUES
              (20, 1, 'registered'), (20, 2, 'registered'), (20, 4, 'cancelled'), (21, 1, 'registered');
            """)
        let reps = try d.plan(try d.rules("training-reps"), at: "2026-11-24T09:30:00Z")
        #expect(keys(reps) == ["training-reps/1/m3/e20/-/ 2026-11-24T09:00:00Z"])
        let reminders = try d.plan(try d.rules("training-reminder"), at: "2026-11-20T00:00:00Z", days: 30, record: false)
        #expect(keys(reminders) == [
            "training-reminder/1/m1/e20/-/ 2026-12-06T09:00:00Z", "training-reminder/1/m1/e21/-/ 2026-11-24T09:00:00Z",
            "training-reminder/1/m2/e20/-/ 2026-12-06T09:00:00Z",
        ])
    }

    @Test func invitesOnlyRecentStartersToAnInduction() throws {
        let d = try district()
        try d.member(6, joined: "2026-09-01")
        try d.sql("INSERT INTO events(id, kind, title, starts_at) VALUES (30, 'induction', 'Induction', '2026-12-15T16:00:00Z')")
        let r = try d.plan(try d.rules("induction-invite"), at: "2026-11-24T09:00:00Z")
        #expect(keys(r) == ["induction-invite/1/m6/e30/-/ 2026-11-24T09:00:00Z"])
    }

    @Test func chasesOnlyThoseWhoHaveNotVotedAndStopsAtTheClose() throws {
        let d = try district()
        try d.sql("""
            INSERT INTO ballots(id, title, opens_at, closes_at) VALUES (7, 'Pay', '2026-11-02T08:00:00Z', '2026-11-20T12:00:00Z');
            INSERT INTO ballot_members(ballot_id, member_id, voted_at) VALUES
              (7, 1, NULL), (7, 2, '2026-11-03T10:00:00Z'), (7, 3, NULL), (7, 5, NULL);
            """)
        let rules = try d.rules("ballot-chaser")
        #expect(keys(try d.plan(rules, at: "2026-11-02T08:00:00Z")) == [
            "ballot-chaser/1/m1/-/b7/ 2026-11-02T08:00:00Z", "ballot-chaser/1/m3/-/b7/ 2026-11-02T08:00:00Z",
        ])
        // Member 3 votes; the next reminder goes to member 1 only
        try d.sql("UPDATE ballot_members SET voted_at = '2026-11-05T12:00:00Z' WHERE member_id = 3")
        #expect(keys(try d.plan(rules, at: "2026-11-06T17:31:00Z")) == ["ballot-chaser/2/m1/-/b7/2026-11-06 2026-11-06T17:30:00Z"])
        #expect(keys(try d.plan(rules, at: "2026-11-18T08:01:00Z")) == ["ballot-chaser/3/m1/-/b7/ 2026-11-18T08:00:00Z"])
        // Once closed, nothing, even within grace of the last reminder
        #expect(try d.plan(rules, at: "2026-11-20T12:00:00Z").occurrences.isEmpty)
    }

    @Test func sendsTheRepsNewsletterOnMondaysAcrossTheClockChange() throws {
        let d = try district()
        let rules = try d.rules("reps-weekly")
        #expect(keys(try d.plan(rules, at: "2026-10-19T06:00:00Z", days: 14, record: false)) == [
            "reps-weekly/1/m2/-/-/2026-10-19T07:00 2026-10-19T06:00:00Z", "reps-weekly/1/m2/-/-/2026-10-26T07:00 2026-10-26T07:00:00Z",
            "reps-weekly/1/m3/-/-/2026-10-19T07:00 2026-10-19T06:00:00Z", "reps-weekly/1/m3/-/-/2026-10-26T07:00 2026-10-26T07:00:00Z",
        ])
        // On a Tuesday nothing is loaded or due
        #expect(try d.plan(rules, at: "2026-10-20T08:00:00Z", record: false).occurrences.isEmpty)
    }
}
