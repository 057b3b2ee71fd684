// /metrics: the outbox and the daemon's passes in the Prometheus text format, read afresh at each scrape.
import Foundation
import Metrics
import MusterCore
import MusterDaemon
import MusterStore
import NIOConcurrencyHelpers
import Prometheus

/// The metrics, through swift-metrics gauges on a registry of our own (no global bootstrap).
///
/// | metric                                       | labels          | what                                          |
/// |----------------------------------------------|-----------------|-----------------------------------------------|
/// | `muster_outbox_messages`                     | `rule`, `state` | entries in the outbox (every state, 0 too)    |
/// | `muster_outbox_due_messages`                 |                 | queued entries whose next attempt is due      |
/// | `muster_outbox_oldest_due_seconds`           |                 | how long the longest-waiting due one waited   |
/// | `muster_last_sent_timestamp_seconds`         |                 | the latest `sent_at` (0 before any)           |
/// | `muster_outbox_last_reply_messages`          | `class`         | entries by their relay's last reply class     |
/// | `muster_outbox_last_reply_attempts`          | `class`         | delivery attempts of those entries            |
/// | `muster_last_pass_duration_seconds`          |                 | the daemon's latest pass                      |
/// | `muster_last_pass_timestamp_seconds`         |                 | when it ran                                   |
///
/// Labels hold rule ids, states and reply classes only: nothing about a member. Counts are gauges (an
/// entry moves between states), so alerts use their values and `delta()`, not `rate()`.
final class ConsoleMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let passes: PassRecord?
    private let lock = NIOLock()

    init(passes: PassRecord?) {
        self.passes = passes
        factory = PrometheusMetricsFactory(registry: registry)
    }

    private func gauge(_ name: String, _ labels: [(String, String)] = []) -> Metrics.Gauge {
        Metrics.Gauge(label: name, dimensions: labels, factory: factory)
    }

    /// Reads the outbox at `now` and returns the text exposition.
    func scrape(district: District, now: Date) throws -> String {
        let counts = try OutboxStore(district.store).countsByStateAndRule()
        let figures = try ConsoleQueries(district.store).outboxFigures(now: now)
        return lock.withLock {
            var byKey: [String: Int] = [:]
            for c in counts { byKey["\(c.rule)\u{0}\(c.state.rawValue)"] = c.count }
            let rules = Set(district.rules.map(\.id)).union(counts.map(\.rule)).sorted()
            for rule in rules {
                for state in OutboxState.allCases {
                    gauge("muster_outbox_messages", [("rule", rule), ("state", state.rawValue)])
                        .record(byKey["\(rule)\u{0}\(state.rawValue)"] ?? 0)
                }
            }
            gauge("muster_outbox_due_messages").record(figures.due)
            gauge("muster_outbox_oldest_due_seconds").record(figures.oldestDueSeconds)
            gauge("muster_last_sent_timestamp_seconds").record(figures.lastSentAt?.timeIntervalSince1970 ?? 0)
            for cls in ["2xx", "4xx", "5xx", "other"] {
                let f = figures.byReplyClass[cls]
                gauge("muster_outbox_last_reply_messages", [("class", cls)]).record(f?.entries ?? 0)
                gauge("muster_outbox_last_reply_attempts", [("class", cls)]).record(f?.attempts ?? 0)
            }
            if let last = passes?.last {
                gauge("muster_last_pass_duration_seconds").record(last.seconds)
                gauge("muster_last_pass_timestamp_seconds").record(last.at.timeIntervalSince1970)
            }
            return registry.emitToString()
        }
    }
}
