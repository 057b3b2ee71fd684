// muster tick: one pass (plan, enqueue, deliver, record) and a one-screen summary.
import ArgumentParser
import Foundation
import Logging
import MusterCore
import MusterDaemon
import MusterLinks

struct TickCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tick",
        abstract: "One pass: enqueue what is due, deliver what is due, exit.",
        discussion: "Exits 0 when the pass completed (single failures are in the outbox), 3 when nothing could be delivered at all.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Run as of this instant (ISO 8601 with a zone); default now.")
    var now: String?

    func run() async throws {
        let config = try global.loadConfig()
        let logger = makeLogger(global.logLevel)
        let district = try District.load(config: config)
        var engine = Engine(district: district, transport: try config.makeTransport(), links: try makeLinks(config), logger: logger)
        engine.bounceSigner = try makeBounceSigner(config)
        let instant = try parseNow(now)
        try engine.recover(now: instant)
        let s = try await engine.pass(now: instant)
        print(TickReport.text(s, now: instant, zone: config.organisation.timeZone))
        if s.nothingDelivered {
            throw UserError(
                message: "nothing could be delivered: the mail server could not be used (see the deferrals in 'muster status')",
                status: ExitStatus.nothingDelivered)
        }
    }
}

/// The one-screen summary of a tick.
enum TickReport {
    static func text(_ s: PassSummary, now: Date, zone: TimeZone) -> String {
        var lines: [String] = []
        lines.append("tick at \(formatLocal(now, zone)) (\(zone.identifier))")
        lines.append("planned    \(s.due) due now: \(s.queued) newly queued, \(s.suppressed) not mailed (no address, opted out, unsubscribed or bounced), \(s.failedAtEnqueue) failed (bad data)")
        let skipped = s.skippedPastGrace.values.reduce(0, +)
        if skipped > 0 {
            let per = s.skippedPastGrace.sorted { $0.key < $1.key }.map { "\(TerminalText.visible($0.key)) \($0.value)" }.joined(separator: ", ")
            lines.append("skipped    \(skipped) whose time passed more than their grace ago, never sent late (\(per))")
        }
        let moved = s.movedByLimit.values.reduce(0, +), held = s.skippedByLimit.values.reduce(0, +)
        if moved + held > 0 {
            let rules = Set(s.movedByLimit.keys).union(s.skippedByLimit.keys).sorted()
            let per = rules.map { "\(TerminalText.visible($0)) \(s.movedByLimit[$0] ?? 0)/\(s.skippedByLimit[$0] ?? 0)" }.joined(separator: ", ")
            lines.append("limited    \(moved) moved to the member's next free day, \(held) skipped (member limit; moved/skipped: \(per))")
        }
        for (rule, why) in s.failedRules.sorted(by: { $0.key < $1.key }) {
            lines.append(TerminalText.visible("not planned \(rule): \(why)"))
        }
        lines.append("delivered  \(s.sent) sent, \(s.deferred) deferred, \(s.failed) failed; \(s.expired) expired unsent")
        lines.append("next due   " + (s.nextDue.map { "\(formatLocal($0, zone))" } ?? "nothing queued"))
        return lines.joined(separator: "\n")
    }
}
