// Reading the attention settings: `mail.per_member` and a rule's (or step's) `priority`.
import Foundation
import MusterCore
import Testing

@Suite struct AttentionConfigTests {
    private let configs = ConfigTests()

    @Test func theStarterConfigurationLimitsEachMemberToOneADayAndFourAWeek() throws {
        #expect(try configs.load(Config.starterYAML).mail.perMember == MemberLimit(day: 1, week: 4))
        let without = Config.starterYAML.replacingOccurrences(of: "  per_member: { day: 1, week: 4 }", with: "  # none")
        #expect(try configs.load(without).mail.perMember == nil)
        let weekOnly = Config.starterYAML.replacingOccurrences(of: "{ day: 1, week: 4 }", with: "{ week: 3 }")
        #expect(try configs.load(weekOnly).mail.perMember == MemberLimit(day: nil, week: 3))
    }

    @Test func aBadLimitNamesItsLineAndTheMend() {
        let zero = Config.starterYAML.replacingOccurrences(of: "{ day: 1, week: 4 }", with: "{ day: 0, week: 4 }")
        #expect(configs.error(zero) == "muster.yaml:17: mail.per_member.day: must be 1 or more (got 0); leave it out for no limit")
        let typo = Config.starterYAML.replacingOccurrences(of: "{ day: 1, week: 4 }", with: "{ days: 1 }")
        #expect(configs.error(typo) == "muster.yaml:17: mail.per_member: unknown key 'days' (expected one of: day, week)")
    }

    @Test func aRuleAndAStepSetTheirPriority() throws {
        let ballot = try ScheduleLoader().parse("""
            kind: ballot
            topic: ballots
            priority: low
            steps:
              - { after_open: 0d, at: "08:00", template: ballot-open }
              - { before_close: 2d, at: "08:00", template: ballot-last-days, priority: high }
            """, id: "b", file: "schedules/b.yaml")
        #expect(ballot.priority == .low)
        #expect(ballot.stepPriorities == [.low, .high])
        let plain = try ScheduleLoader().parse("""
            kind: recurring
            cron: "0 7 * * MON"
            topic: newsletter
            template: reps-weekly
            """, id: "r", file: "schedules/r.yaml")
        #expect(plain.priority == .normal)
    }

    @Test func aBadPriorityNamesTheFileLineAndTheChoices() {
        let bad = """
            kind: sequence
            anchor: joined_on
            topic: welcome
            steps:
              - { after: 0d, template: a, priority: urgent }
            """
        do {
            _ = try ScheduleLoader().parse(bad, id: "welcome", file: "schedules/welcome.yaml")
            Issue.record("an unknown priority was accepted")
        } catch {
            #expect("\(error)" == "schedules/welcome.yaml:5: step 1: 'priority' must be high, normal or low (got \"urgent\")")
        }
    }
}
