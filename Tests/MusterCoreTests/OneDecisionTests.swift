// Rules that used to be decided in several places, now decided once: expiry, the rep-first choice,
// a member's full name, whether a step names its time, the concurrency range, the transport spec.
import Foundation
import MusterCore
import Testing

@Suite struct OneDecisionTests {
    private func t(_ text: String) -> Date { ISOTime.parseInstant(text)! }
    private let nine = TimeOfDay(hour: 9, minute: 0)

    // MARK: Expiry

    @Test func expiryIsTheEventsStartTheBallotsCloseOrDuePlusGrace() {
        let due = t("2026-11-23T09:00:00Z"), start = t("2026-12-01T18:00:00Z"), close = t("2026-12-14T09:00:00Z")
        let sequence = Rule(id: "s", kind: .sequence(anchor: .column("joined_on")), topic: "t", grace: .days(2),
                            steps: [Step(.after(.days(1)), template: "a")])
        let event = Rule(id: "e", kind: .event(EventSelection(kinds: ["meeting"]), recipients: .invited, calendar: false),
                         topic: "t", steps: [Step(.before(.days(1)), template: "a")])
        let ballot = Rule(id: "b", kind: .ballot(recipients: .notVoted), topic: "t", steps: [Step(.afterOpen(.days(0)), template: "a")])
        #expect(Expiry.instant(rule: sequence, due: due, eventStart: start, ballotClose: close) == t("2026-11-25T09:00:00Z"))
        #expect(Expiry.instant(rule: event, due: due, eventStart: start, ballotClose: close) == start)
        #expect(Expiry.instant(rule: ballot, due: due, eventStart: start, ballotClose: close) == close)
    }

    @Test func expiryHasPassedAtTheInstantItself() {
        let at = t("2026-12-01T18:00:00Z")
        #expect(Expiry.hasPassed(at, at: at))
        #expect(!Expiry.hasPassed(at, at: at.addingTimeInterval(-1)))
        #expect(!Expiry.hasPassed(nil, at: .distantFuture))
        // and the transition agrees: a deferral whose retry lands exactly on the expiry expires
        let entry = OutboxEntryStatus(state: .sending, attempts: 0, createdAt: at.addingTimeInterval(-3600), expiresAt: at)
        #expect(OutboxTransition.after(.deferred(reply: "451"), entry: entry, now: at.addingTimeInterval(-60)).state == .expired)
        #expect(OutboxTransition.after(.deferred(reply: "451"), entry: entry, now: at.addingTimeInterval(-61)).state == .queued)
    }

    @Test func finalStatesCarryTheirReasonsFromTheTransition() {
        let entry = OutboxEntryStatus(state: .sending, attempts: 0, createdAt: t("2026-11-23T09:00:00Z"), expiresAt: nil)
        #expect(OutboxTransition.after(.failed(reply: "554"), entry: entry, now: entry.createdAt).reason == "refused by the server")
        #expect(OutboxTransition.after(.sent(reply: "250"), entry: entry, now: entry.createdAt).reason == nil)
        #expect(OutboxTransition.after(.deferred(reply: "451"), entry: entry, now: entry.createdAt).reason == nil)
        var waiting = entry
        waiting.state = .queued
        waiting.expiresAt = entry.createdAt
        #expect(OutboxTransition.expiry(of: waiting, now: entry.createdAt)?.reason == "expired before it could be sent")
    }

    // MARK: The rep-first choice

    @Test func aMemberHearsOfAnotherWorkplaceRepFirst() {
        func contact(_ id: Int64, _ role: String?) -> RepContact {
            RepContact(member: Member(id: id, membershipNumber: "N\(id)", firstName: "R"), rep: Rep(memberID: id, workplaceID: 1, role: role))
        }
        let reps = [contact(2, "health and safety"), contact(5, "Workplace Rep"), contact(9, "workplace rep")]
        #expect(RepChoice.rep(for: 1, among: reps)?.member.id == 5)
        #expect(RepChoice.rep(for: 5, among: reps)?.member.id == 9)
        #expect(RepChoice.rep(for: 5, among: [contact(5, nil)])?.member.id == 5)
        #expect(RepChoice.rep(for: 1, among: []) == nil)
    }

    @Test func aRepsDigestIsAboutTheWorkplaceWhereTheyAreTheWorkplaceRep() {
        #expect(RepChoice.digestWorkplace(among: [
            Rep(memberID: 3, workplaceID: 1, role: "equality"), Rep(memberID: 3, workplaceID: 8, role: "workplace rep"),
            Rep(memberID: 3, workplaceID: 4, role: "WORKPLACE REP"),
        ]) == 4)
        #expect(RepChoice.digestWorkplace(among: [Rep(memberID: 3, workplaceID: 6), Rep(memberID: 3, workplaceID: 2)]) == 2)
        #expect(RepChoice.digestWorkplace(among: []) == nil)
    }

    // MARK: A member's full name

    @Test func aFullNameLeavesOutEmptyPartsAndEndSpaces() {
        #expect(Member(id: 1, membershipNumber: "1", firstName: "Ann", lastName: "Smith").fullName == "Ann Smith")
        #expect(Member(id: 1, membershipNumber: "1", firstName: " Ann ", lastName: "").fullName == "Ann")
        #expect(Member(id: 1, membershipNumber: "1", firstName: "", lastName: "Smith").fullName == "Smith")
        #expect(Member(id: 1, membershipNumber: "1", firstName: "Zoë").fullName == "Zoë")
    }

    // MARK: Quiet hours need to know whether a step named its time

    @Test func theOccurrenceSaysWhetherItsStepNamedATime() {
        let rule = Rule(id: "w", kind: .sequence(anchor: .column("joined_on")), topic: "t", grace: .days(1), steps: [
            Step(.after(.days(0)), at: nine, template: "a"), Step(.after(.hours(1)), template: "b"),
        ])
        let data = PlanningData(zones: ZoneTable(organisation: TimeZone(identifier: "Europe/London")!), inputs: [
            "w": .sequence([AnchoredMember(id: 1, anchor: .day(LocalDay("2026-11-23")!))]),
        ])
        let later = Planner.plan(rules: [rule], data: data, now: t("2026-11-23T01:00:00Z"), horizon: 86_400)
        #expect(later.occurrences.map { "\($0.step) \($0.atLocalTime)" } == ["1 true", "2 false"])
    }

    // MARK: Concurrency and transport specs

    @Test func concurrencyIsOneToThirtyTwoAndSaidFromTheRange() throws {
        #expect(MailConfig.concurrencyRange == 1...32)
        let base = URL(fileURLWithPath: "/srv/muster", isDirectory: true)
        #expect(Config.parseTransport("file:outbox/", base: base) == .file(directory: "/srv/muster/outbox"))
        #expect(Config.parseTransport("file://outbox", base: base) == .file(directory: "/srv/muster/outbox"))
        #expect(Config.parseTransport("file:///var/mail/out", base: base) == .file(directory: "/var/mail/out"))
        #expect(Config.parseTransport("file:", base: base) == nil)
        #expect(Config.parseTransport("smtps://relay.example.org:465", base: base)
                == .smtp(url: "smtps://relay.example.org:465", implicitTLS: true))
        #expect(Config.parseTransport("http://x", base: base) == nil)
    }
}
