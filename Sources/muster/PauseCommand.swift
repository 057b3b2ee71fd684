// muster pause / muster resume: the organiser's emergency stop for one rule, or for all of them.
import ArgumentParser
import Foundation
import MusterCore
import MusterStore

/// The rule (or `--all`) that `pause` and `resume` act on.
struct RuleChoice: ParsableArguments {
    @Argument(help: "The rule (its schedule file's name without .yaml).")
    var rule: String?

    @Flag(help: "Every rule.")
    var all = false

    func validate() throws {
        guard (rule == nil) != !all else {
            throw ValidationError("Please name one rule (e.g. 'muster pause meeting-reminders') or pass --all.")
        }
    }

    /// The rule to store: its id, or `*` for all; checked against the schedule files (and the
    /// outbox, for a rule whose file has gone but whose messages still wait).
    func chosen(_ config: Config, _ store: Store) throws -> String {
        guard let rule else { return PausedRules.all }
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: config.schedules)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
        if files.contains(rule) { return rule }
        if try OutboxStore(store).countsByStateAndRule().contains(where: { $0.rule == rule }) { return rule }
        throw UserError(message: "there is no rule '\(TerminalText.visible(rule))' (rules: \(files.joined(separator: ", ")))")
    }

    /// The district's paused rules, and the rule chosen (as `chosen` checks it).
    func resolved(_ global: GlobalOptions) throws -> (rule: String, paused: PausedRules) {
        let config = try global.loadConfig()
        let store = try global.openStore(config)
        return (try chosen(config, store), PausedRules(store))
    }
}

struct PauseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Stop a rule (or --all) at once, in a running daemon too: what falls due waits, within its grace and expiry.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var choice: RuleChoice

    func run() throws {
        let (rule, paused) = try choice.resolved(global)
        let fresh = try paused.pause(rule, now: Date())
        let name = rule == PausedRules.all ? "every rule" : rule
        let waiting = try paused.waiting().filter { rule == PausedRules.all || $0.key == rule }.values.reduce(0, +)
        print((fresh ? "paused \(name)" : "\(name) was already paused")
            + ": nothing more of it goes to the relay (\(waiting) queued wait, within their grace and expiry). "
            + "'muster resume \(rule == PausedRules.all ? "--all" : rule)' sends what waited.")
    }
}

struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Resume a paused rule (or --all): what waited and has not expired goes out.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var choice: RuleChoice

    func run() throws {
        let (rule, paused) = try choice.resolved(global)
        let waiting = try paused.waiting()
        let before = try paused.rules()
        guard try paused.resume(rule) else {
            print(rule == PausedRules.all ? "nothing was paused" : "\(rule) was not paused"
                + (before.contains(PausedRules.all) ? " on its own (every rule is paused: 'muster resume --all')" : ""))
            return
        }
        let still = try paused.rules()
        let freed = waiting.filter { !still.pauses($0.key) }.values.reduce(0, +)
        print("resumed \(rule == PausedRules.all ? "every rule" : rule): \(freed) queued go out as they fall due"
            + (still.pauses(rule == PausedRules.all ? "" : rule) ? " (still paused by 'pause --all')" : ""))
    }
}
