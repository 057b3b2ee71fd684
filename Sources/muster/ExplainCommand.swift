// muster explain: why one member did or did not get each message, and what comes next.
import ArgumentParser
import Foundation
import MusterCore
import MusterDaemon

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "For one member and each rule, in plain words: what they got, what they did not and why, what comes next.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The member's id (members.id).")
    var member: Int64

    @Option(help: "Only this rule (its schedule file's name).")
    var rule: String?

    @Option(help: "Explain as of this instant (ISO 8601 with a zone); default now.")
    var now: String?

    @Option(help: "How many days ahead to look for what comes next.")
    var days: Int = 60

    func validate() throws {
        guard (0...366).contains(days) else { throw ValidationError("Please pass --days between 0 and 366.") }
    }

    func run() throws {
        let config = try global.loadConfig()
        let district = try District.load(config: config)
        if let rule, district.rule(named: rule) == nil {
            throw UserError(message: "there is no rule '\(TerminalText.visible(rule))' (rules: \(district.rules.map(\.id).joined(separator: ", ")))")
        }
        let instant = try parseNow(now)
        guard let story = try district.explain(memberID: member, rule: rule, now: instant, days: days) else {
            throw UserError(message: "there is no member with id \(member) (members.id)")
        }
        let when = PeopleTime(timeZone: config.organisation.timeZone)
        print("Member \(member) as of \(when.abbreviated(instant, year: false)) (\(config.organisation.timeZone.identifier)):")
        for e in story { for line in e.lines { print("  " + line) } }
    }
}
