import Foundation
import MusterCore
import Testing

@Suite struct PlannerTests {
    let nine = TimeOfDay(hour: 9, minute: 0)
    var zones = ZoneTable(organisation: london)

    private func welcome(grace: Offset = .days(1)) -> Rule {
        Rule(id: "welcome", kind: .sequence(anchor: .column("joined_on")), topic: "welcome", grace: grace, steps: [
            Step(.after(.days(0)), at: nine, template: "welcome-1"),
            Step(.after(.days(7)), at: nine, template: "welcome-2-your-rep"),
            Step(.after(.days(28)), at: nine, template: "welcome-3-training"),
        ])
    }

    private func plan(_ rule: Rule, _ input: RuleInput, now: String, days: Int = 0, lastPlanned: Date? = nil,
                      zones: ZoneTable? = nil) -> PlanResult {
        var data = PlanningData(zones: zones ?? self.zones, inputs: [rule.id: input])
        data.lastPlanned[rule.id] = lastPlanned
        return Planner.plan(rules: [rule], data: data, now: instant(now), horizon: TimeInterval(days) * 86_400)
    }

    private func summary(_ r: PlanResult) -> [String] {
        r.occurrences.map { "\($0.dedupeKey) \(ISOTime.format($0.due)) \($0.template)" }
    }

    // MARK: sequence

    @Test func welcomesANewMemberAtNineOnTheDayTheyJoin() throws {
        // Given a member who joined today, a tick at 09:30
        let r = plan(welcome(), .sequence([AnchoredMember(id: 1, anchor: .day(day("2026-11-23")))]), now: "2026-11-23T09:30:00Z")
        // Then the first step is due, and expires a day later
        #expect(summary(r) == ["welcome/1/m1/-/-/ 2026-11-23T09:00:00Z welcome-1"])
        #expect(r.occurrences.first?.expires == instant("2026-11-24T09:00:00Z"))
        #expect(r.occurrences.first?.topic == "welcome")
        #expect(r.skippedPastGrace.isEmpty)
    }

    @Test func forecastsEveryStepInTheHorizon() {
        let r = plan(welcome(), .sequence([AnchoredMember(id: 1, anchor: .day(day("2026-11-23")))]), now: "2026-11-23T08:00:00Z", days: 30)
        #expect(summary(r) == [
            "welcome/1/m1/-/-/ 2026-11-23T09:00:00Z welcome-1",
            "welcome/2/m1/-/-/ 2026-11-30T09:00:00Z welcome-2-your-rep",
            "welcome/3/m1/-/-/ 2026-12-21T09:00:00Z welcome-3-training",
        ])
    }

    @Test func keepsNineOClockLocalAcrossDaylightSavingInEachMembersZone() {
        var zones = ZoneTable(organisation: london)
        let chi = zones.index(of: "America/Chicago")
        let members = [
            AnchoredMember(id: 1, anchor: .day(day("2026-03-25"))),           // London: GMT, then BST
            AnchoredMember(id: 2, zone: chi, anchor: .day(day("2026-03-05"))), // Chicago: CST, then CDT
            AnchoredMember(id: 3, anchor: .day(day("2026-10-21"))),           // London: BST, then GMT
            AnchoredMember(id: 4, zone: chi, anchor: .day(day("2026-10-28"))), // Chicago: CDT, then CST
        ]
        let r = plan(welcome(), .sequence(members), now: "2026-01-01T00:00:00Z", days: 330, zones: zones)
        let step2 = r.occurrences.filter { $0.step == 2 }.map { "m\($0.memberID) \(ISOTime.format($0.due))" }
        #expect(step2 == [
            "m1 2026-04-01T08:00:00Z", "m2 2026-03-12T14:00:00Z", "m3 2026-10-28T09:00:00Z", "m4 2026-11-04T15:00:00Z",
        ])
        let step1 = r.occurrences.filter { $0.step == 1 }.map { ISOTime.format($0.due) }
        #expect(step1 == ["2026-03-25T09:00:00Z", "2026-03-05T15:00:00Z", "2026-10-21T08:00:00Z", "2026-10-28T14:00:00Z"])
    }

    @Test func placesStepsWithoutATimeExactlyFromLocalMidnight() {
        let rule = Rule(id: "s", kind: .sequence(anchor: .column("joined_on")), topic: "t", steps: [
            Step(.after(.hours(36)), template: "a"),
            Step(.after(.hours(36)), at: nine, template: "b"),
            Step(.after(.days(7)), template: "c"),
        ])
        let r = plan(rule, .sequence([AnchoredMember(id: 1, anchor: .day(day("2026-03-25")))]), now: "2026-03-24T00:00:00Z", days: 30)
        #expect(r.occurrences.map { ISOTime.format($0.due) } == [
            "2026-03-26T12:00:00Z", "2026-03-26T09:00:00Z", "2026-03-31T23:00:00Z",
        ])
    }

    @Test func sendsNothingLateToLongStandingMembers() {
        // Given members who joined years ago and one who joined 22 days ago
        let members = [
            AnchoredMember(id: 1, anchor: .day(day("2019-05-01"))),
            AnchoredMember(id: 2, anchor: .day(day("2024-11-23"))),
            AnchoredMember(id: 3, anchor: .day(day("2026-11-01"))),
        ]
        // When the rule is planned for the first time
        let first = plan(welcome(), .sequence(members), now: "2026-11-23T09:30:00Z")
        // Then nobody is mailed for the past, and the two steps of the last 30 days are reported skipped
        #expect(first.occurrences.isEmpty)
        #expect(first.skippedPastGrace == ["welcome": 2])
        // And when it was last planned a few days ago, those are not counted again
        let later = plan(welcome(), .sequence(members), now: "2026-11-23T09:30:00Z", lastPlanned: instant("2026-11-20T00:00:00Z"))
        #expect(later.occurrences.isEmpty)
        #expect(later.skippedPastGrace.isEmpty)
        // And a step is still sent within its grace, not after
        #expect(plan(welcome(), .sequence(members), now: "2026-11-02T08:59:00Z").occurrences.map(\.step) == [1])
        #expect(plan(welcome(), .sequence(members), now: "2026-11-02T09:01:00Z").occurrences.isEmpty)
    }

    @Test func neverMailsTheBaselineOfAnEnteredAudienceRule() {
        let rule = Rule(id: "leadership-welcome", kind: .sequence(anchor: .enteredAudience),
                        audience: Audience(section: ["leadership"]), topic: "welcome",
                        steps: [Step(.after(.days(0)), at: nine, template: "leadership-welcome")])
        let members = [
            AnchoredMember(id: 1, anchor: .entered(instant("2026-11-23T14:00:00Z"), baseline: true)),
            AnchoredMember(id: 2, anchor: .entered(instant("2026-11-23T14:00:00Z"), baseline: false)),
        ]
        let r = plan(rule, .sequence(members), now: "2026-11-23T14:00:00Z")
        #expect(summary(r) == ["leadership-welcome/1/m2/-/-/ 2026-11-23T09:00:00Z leadership-welcome"])
    }

    // MARK: event

    private func meetings(_ steps: [Step], grace: Offset = .days(1)) -> Rule {
        Rule(id: "meeting-reminders",
             kind: .event(EventSelection(kinds: ["meeting"]), recipients: .invited, calendar: true),
             topic: "meetings", grace: grace, steps: steps)
    }

    @Test func remindsAWeekAndADayBeforeAMeetingWithACalendarInvite() {
        var zones = ZoneTable(organisation: london)
        let chi = zones.index(of: "America/Chicago")
        let rule = meetings([
            Step(.before(.days(7)), at: nine, template: "meeting-week-before"),
            Step(.before(.days(1)), at: TimeOfDay(hour: 17, minute: 0), template: "meeting-tomorrow"),
        ])
        let meeting = Event(id: 5, kind: "meeting", title: "AGM", startsAt: instant("2026-12-01T18:00:00Z"))
        let input = RuleInput.events([EventPlan(event: meeting, recipients: [PlanningMember(id: 1), PlanningMember(id: 2, zone: chi)])])
        let tick = plan(rule, input, now: "2026-11-24T09:00:00Z", zones: zones)
        #expect(summary(tick) == ["meeting-reminders/1/m1/e5/-/ 2026-11-24T09:00:00Z meeting-week-before"])
        #expect(tick.occurrences.first?.calendar == true)
        #expect(tick.occurrences.first?.expires == meeting.startsAt)
        let forecast = plan(rule, input, now: "2026-11-24T08:00:00Z", days: 7, zones: zones)
        #expect(summary(forecast) == [
            "meeting-reminders/1/m1/e5/-/ 2026-11-24T09:00:00Z meeting-week-before",
            "meeting-reminders/2/m1/e5/-/ 2026-11-30T17:00:00Z meeting-tomorrow",
            "meeting-reminders/1/m2/e5/-/ 2026-11-24T15:00:00Z meeting-week-before",
            "meeting-reminders/2/m2/e5/-/ 2026-11-30T23:00:00Z meeting-tomorrow",
        ])
    }

    @Test func neverRemindsAtOrAfterTheStart() {
        // Given a meeting at 16:00, a same-day 17:00 step, and a day-before step with a long grace
        let rule = meetings([
            Step(.before(.days(0)), at: TimeOfDay(hour: 17, minute: 0), template: "same-day"),
            Step(.before(.days(1)), at: nine, template: "day-before"),
        ], grace: .days(3))
        let meeting = Event(id: 5, kind: "meeting", title: "Branch", startsAt: instant("2026-11-24T16:00:00Z"))
        let input = RuleInput.events([EventPlan(event: meeting, recipients: [PlanningMember(id: 1)])])
        // Then the same-day step is never planned
        #expect(summary(plan(rule, input, now: "2026-11-20T00:00:00Z", days: 10)) == [
            "meeting-reminders/2/m1/e5/-/ 2026-11-23T09:00:00Z day-before",
        ])
        // And once the meeting has started, the day-before step is not sent, though within grace
        #expect(plan(rule, input, now: "2026-11-24T16:00:00Z").occurrences.isEmpty)
        #expect(plan(rule, input, now: "2026-11-24T15:59:00Z").occurrences.count == 1)
    }

    @Test func remindsAcrossTheAutumnChangeInLocalTime() {
        // A meeting on Monday 2026-11-02 18:00 CST in Chicago; a week before is 2026-10-26 09:00 CDT.
        var zones = ZoneTable(organisation: chicago)
        _ = zones.index(of: nil)
        let rule = meetings([Step(.before(.days(7)), at: nine, template: "w")])
        let meeting = Event(id: 1, kind: "meeting", title: "M", startsAt: instant("2026-11-03T00:00:00Z"))
        let r = plan(rule, .events([EventPlan(event: meeting, recipients: [PlanningMember(id: 1)])]),
                     now: "2026-10-20T00:00:00Z", days: 14, zones: zones)
        #expect(r.occurrences.map { ISOTime.format($0.due) } == ["2026-10-26T14:00:00Z"])
    }

    // MARK: ballot

    private let chaser = Rule(id: "ballot-chaser", kind: .ballot(recipients: .notVoted), topic: "ballots", steps: [
        Step(.afterOpen(.days(0)), at: TimeOfDay(hour: 8, minute: 0), template: "ballot-open"),
        Step(.every(.days(4)), at: TimeOfDay(hour: 17, minute: 30), template: "ballot-reminder"),
        Step(.beforeClose(.days(2)), at: TimeOfDay(hour: 8, minute: 0), template: "ballot-last-days"),
    ])
    private let ballot = Ballot(id: 3, title: "Pay", opensAt: instant("2026-11-02T12:00:00Z"), closesAt: instant("2026-11-20T12:00:00Z"))

    @Test func chasesABallotFromOpeningToTheLastDays() {
        let input = RuleInput.ballots([BallotPlan(ballot: ballot, recipients: [PlanningMember(id: 7)])])
        let r = plan(chaser, input, now: "2026-11-02T12:00:00Z", days: 30)
        #expect(summary(r) == [
            "ballot-chaser/1/m7/-/b3/ 2026-11-02T12:00:00Z ballot-open",
            "ballot-chaser/2/m7/-/b3/2026-11-06 2026-11-06T17:30:00Z ballot-reminder",
            "ballot-chaser/2/m7/-/b3/2026-11-10 2026-11-10T17:30:00Z ballot-reminder",
            "ballot-chaser/2/m7/-/b3/2026-11-14 2026-11-14T17:30:00Z ballot-reminder",
            "ballot-chaser/2/m7/-/b3/2026-11-18 2026-11-18T17:30:00Z ballot-reminder",
            "ballot-chaser/3/m7/-/b3/ 2026-11-18T08:00:00Z ballot-last-days",
        ])
        #expect(r.occurrences.allSatisfy { $0.expires == ballot.closesAt && $0.ballotID == 3 })
        // A tick half an hour after a reminder's time sends that one only
        #expect(summary(plan(chaser, input, now: "2026-11-10T18:00:00Z")) == [
            "ballot-chaser/2/m7/-/b3/2026-11-10 2026-11-10T17:30:00Z ballot-reminder",
        ])
    }

    @Test func sendsNothingOnceTheBallotHasClosed() {
        let input = RuleInput.ballots([BallotPlan(ballot: ballot, recipients: [PlanningMember(id: 7)])])
        #expect(plan(chaser, input, now: "2026-11-20T12:00:00Z", days: 10).occurrences.isEmpty)
        // A short ballot: the last-days step would fall before it opens, the reminder after it closes
        let short = Ballot(id: 4, title: "Quick", opensAt: instant("2026-11-02T12:00:00Z"), closesAt: instant("2026-11-03T12:00:00Z"))
        let r = plan(chaser, .ballots([BallotPlan(ballot: short, recipients: [PlanningMember(id: 7)])]), now: "2026-11-01T00:00:00Z", days: 10)
        #expect(r.occurrences.map(\.template) == ["ballot-open"])
    }

    // MARK: recurring

    private func weekly() throws -> Rule {
        Rule(id: "reps-weekly", kind: .recurring, audience: Audience(rep: true), topic: "newsletter",
             steps: [Step(.cron(try Cron("0 7 * * MON")), template: "reps-weekly")])
    }

    @Test func sendsTheWeeklyNewsletterAtSevenLocal() throws {
        let reps = RuleInput.recurring([PlanningMember(id: 5), PlanningMember(id: 6)])
        let winter = plan(try weekly(), reps, now: "2026-11-30T07:05:00Z", lastPlanned: instant("2026-11-30T07:04:00Z"))
        #expect(summary(winter) == [
            "reps-weekly/1/m5/-/-/2026-11-30T07:00 2026-11-30T07:00:00Z reps-weekly",
            "reps-weekly/1/m6/-/-/2026-11-30T07:00 2026-11-30T07:00:00Z reps-weekly",
        ])
        #expect(winter.occurrences.first?.expires == instant("2026-12-01T07:00:00Z"))
        #expect(winter.skippedPastGrace.isEmpty)
        let summer = plan(try weekly(), reps, now: "2026-06-01T06:05:00Z", lastPlanned: instant("2026-06-01T06:00:00Z"))
        #expect(summer.occurrences.map { ISOTime.format($0.due) } == ["2026-06-01T06:00:00Z", "2026-06-01T06:00:00Z"])
    }

    @Test func countsMissedNewslettersWhenFirstPlanned() throws {
        let reps = RuleInput.recurring([PlanningMember(id: 5), PlanningMember(id: 6)])
        // Mondays 2, 9, 16 and 23 November, two reps each
        let r = plan(try weekly(), reps, now: "2026-11-30T06:00:00Z")
        #expect(r.occurrences.isEmpty)
        #expect(r.skippedPastGrace == ["reps-weekly": 8])
    }

    @Test func plansNothingFromAnInputOfTheWrongKind() throws {
        #expect(plan(try weekly(), .sequence([]), now: "2026-11-30T07:05:00Z").occurrences.isEmpty)
        #expect(Planner.plan(rules: [try weekly()], data: PlanningData(zones: zones), now: instant("2026-11-30T07:05:00Z"), horizon: 0)
            .occurrences.isEmpty)
    }
}
