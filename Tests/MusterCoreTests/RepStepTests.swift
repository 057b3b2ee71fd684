// A ballot step `to: reps`: read from YAML with errors that name the line, planned for reps only;
// and the votes a workplace needs to reach the threshold.
import Foundation
import Testing
@testable import MusterCore

@Suite struct RepStepTests {
    private func rule(_ yaml: String) throws -> Rule {
        try ScheduleLoader().parse(yaml, id: "chaser", file: "schedules/chaser.yaml")
    }

    @Test func readsToRepsAndRefusesAnythingElseNamingTheLine() throws {
        // Given a chaser whose second step goes to reps
        let r = try rule("kind: ballot\ntopic: ballots\nsteps:\n  - { every: 1d, template: a }\n  - { before_close: 5d, to: reps, template: b }\n")
        // Then the first goes to members (the default) and the second to reps
        #expect(r.steps.map(\.to) == [.members, .reps])
        // And a mistaken value, or `to` in another kind of rule, is refused with the file, line and mend
        #expect(throws: InputError(file: "schedules/chaser.yaml", line: 4, "step 1: 'to' must be members or reps (got \"everyone\")")) {
            try rule("kind: ballot\ntopic: ballots\nsteps:\n  - { every: 1d, to: everyone, template: a }\n")
        }
        #expect(throws: InputError(file: "schedules/chaser.yaml", line: 5, "step 1: unknown key 'to' (expected one of: after, at, template, priority)")) {
            try rule("kind: sequence\nanchor: joined_on\ntopic: welcome\nsteps:\n  - { after: 0d, to: reps, template: a }\n")
        }
    }

    @Test func aToRepsStepGoesToTheRepsOnlyAndTheOtherStepsToMembersOnly() {
        // Given a chaser with a daily reminder for members and a list for reps five days before close
        let rule = Rule(id: "chaser", kind: .ballot(recipients: .notVoted), topic: "ballots", steps: [
            Step(.every(.days(1)), at: TimeOfDay(hour: 9, minute: 0), template: "reminder"),
            Step(.beforeClose(.days(5)), at: TimeOfDay(hour: 8, minute: 0), to: .reps, template: "reps-list"),
        ])
        let ballot = Ballot(id: 1, title: "Pay", opensAt: ISOTime.parseInstant("2026-11-23T09:00:00Z")!,
                            closesAt: ISOTime.parseInstant("2026-12-10T17:00:00Z")!)
        var data = PlanningData(zones: ZoneTable(organisation: TimeZone.named("Europe/London")!))
        data.inputs["chaser"] = .ballots([BallotPlan(ballot: ballot, recipients: [PlanningMember(id: 2)], reps: [PlanningMember(id: 1)])])
        // When planned at 08:00 five days before close
        let r = Planner.plan(rules: [rule], data: data, now: ISOTime.parseInstant("2026-12-05T08:00:00Z")!, horizon: 0)
        // Then the rep gets the list (once: no repetition in its key) and the member only reminders
        let keys = r.occurrences.map(\.dedupeKey)
        #expect(keys.contains("chaser/2/m1/-/b1/"))
        #expect(!keys.contains { $0.hasPrefix("chaser/2/m2/") })
        #expect(!keys.contains { $0.hasPrefix("chaser/1/m1/") })
        #expect(keys.contains { $0.hasPrefix("chaser/1/m2/") })
    }

    @Test func votesNeededAreReckonedAsThePercentagesAreShown() {
        func needed(voted: Int, eligible: Int, threshold: Double?) -> Int? {
            let b = Ballot(id: 1, title: "Pay", opensAt: Date(timeIntervalSince1970: 0), closesAt: Date(timeIntervalSince1970: 1),
                           turnoutThreshold: threshold)
            let f = BallotFigures(ballot: b, daysLeft: 3, voted: 0, eligible: 0, workplaceVoted: voted, workplaceEligible: eligible)
            return WorkplaceBallot(figures: f, notVoted: [], notVotedCount: eligible - voted).votesNeeded
        }
        #expect(needed(voted: 1, eligible: 3, threshold: 0.5) == 1)   // 2 of 3 is 66%
        #expect(needed(voted: 9, eligible: 29, threshold: 0.5) == 6)  // 15 of 29 is 51%, 14 is 48%
        #expect(needed(voted: 10, eligible: 20, threshold: 50) == 0)  // stored as a percentage
        #expect(needed(voted: 12, eligible: 20, threshold: 0.5) == 0) // past it: never negative
        #expect(needed(voted: 0, eligible: 0, threshold: 0.5) == nil)
        #expect(needed(voted: 1, eligible: 3, threshold: nil) == nil)
    }

    @Test func listsAreAlphabeticalByLastNameIgnoringCaseAndAccents() {
        let names = [("Carl", "Zed"), ("amy", "able"), ("Émile", "Éclair"), ("Bo", "Able")].enumerated().map {
            ListedMember(id: Int64($0.offset), firstName: $0.element.0, lastName: $0.element.1)
        }
        #expect(names.sorted(by: ListedMember.alphabetical).map(\.firstName) == ["amy", "Bo", "Émile", "Carl"])
    }
}
