// muster status: the outbox by state and rule, the latest failures with their replies, the next due time.
import ArgumentParser
import Foundation
import MusterCore
import MusterStore

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Outbox by state and rule, recent failures, next due time.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "How many recent failures to list.")
    var failures: Int = 10

    func run() throws {
        let config = try global.loadConfig()
        let store = try global.openStore(config)
        let outbox = OutboxStore(store)
        let zone = config.organisation.timeZone
        let states = OutboxState.allCases
        var table: [String: [OutboxState: Int]] = [:]
        for c in try outbox.countsByStateAndRule() { table[c.rule, default: [:]][c.state] = c.count }
        print("Outbox by rule and state")
        let width = max(24, (table.keys.map(\.count).max() ?? 0) + 2)
        print(pad("rule", width) + states.map { padLeft($0.rawValue, 11) }.joined())
        var totals: [OutboxState: Int] = [:]
        for rule in table.keys.sorted() {
            let row = table[rule]!
            for (s, n) in row { totals[s, default: 0] += n }
            print(pad(rule, width) + states.map { padLeft(String(row[$0] ?? 0), 11) }.joined())
        }
        print(pad("all", width) + states.map { padLeft(String(totals[$0] ?? 0), 11) }.joined())

        let paused = try PausedRules(store).list()
        if !paused.isEmpty {
            let waiting = try PausedRules(store).waiting()
            print("\nPaused (nothing of these goes to the relay until 'muster resume')")
            for p in paused {
                let n = p.rule == PausedRules.all ? waiting.values.reduce(0, +) : waiting[p.rule] ?? 0
                print("  " + pad(p.rule == PausedRules.all ? "every rule (--all)" : p.rule, width) + "since \(formatLocal(p.since, zone)), \(n) queued wait")
            }
        }
        let limited = try StatusQueries(store).memberLimitCounts()
        if !limited.isEmpty {
            print("\nMember limit (mail.per_member)")
            print(pad("rule", width) + padLeft("moved", 11) + padLeft("skipped", 11))
            for (rule, c) in limited.sorted(by: { $0.key < $1.key }) {
                print(pad(rule, width) + padLeft(String(c.moved), 11) + padLeft(String(c.skipped), 11))
            }
        }

        let status = StatusQueries(store)
        let reasons = try status.unsentReasons(limit: 12)
        if !reasons.isEmpty {
            print("\nWhy messages were not sent")
            for r in reasons {
                print("  " + padLeft(String(r.count), 7) + "  " + pad(r.state.rawValue, 11) + (r.reason.isEmpty ? "-" : TerminalText.visible(r.reason)))
            }
        }

        let recent = try outbox.recentFailures(limit: failures)
        if !recent.isEmpty {
            print("\nRecent failures and deferrals (newest first)")
            for e in recent {
                print("  outbox=\(e.id) member=\(e.memberID) rule=\(TerminalText.visible(e.rule)) step=\(e.step) state=\(e.state.rawValue) "
                    + "attempts=\(e.attempts) at=\(formatLocal(e.updatedAt, zone)) reply=\"\(TerminalText.visible(e.lastReply ?? e.reason ?? ""))\"")
            }
        }
        let unsubscribes = try status.unsubscribeCounts().sorted { $0.key < $1.key }
        let bounced = try status.bouncedAddresses()
        print("\nUnsubscribed by topic: " + (unsubscribes.isEmpty ? "none" : unsubscribes.map {
            "\($0.key == "*" ? "everything" : TerminalText.visible($0.key)) \($0.value)"
        }.joined(separator: ", ")) + "; bounced addresses: \(bounced)")
        let b = try BounceStore(store).counts()
        print("Bounces: \(b.permanent) permanent, \(b.transient) transient; complaints: \(b.complaints); "
            + "kept aside unmatched: \(b.unmatched)")
        print("Next due: " + (try outbox.nextDue().map { "\(formatLocal($0, zone)) (\(zone.identifier))" } ?? "nothing queued"))
        print("Names for reps (reps.see_names): " + (config.reps.seeNames
            ? "on: reps' messages name members of their own workplace"
            : "off: reps' messages carry counts only"))
    }
}

/// Right-aligns `s` in a column of `width` characters.
func padLeft(_ s: String, _ width: Int) -> String {
    s.count >= width ? s + " " : String(repeating: " ", count: width - s.count) + s
}
