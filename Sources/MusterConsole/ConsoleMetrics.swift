// /metrics: the outbox and the daemon's passes in the Prometheus text format, read afresh at each scrape.
import Foundation
import Metrics
import MusterCore
import MusterDaemon
import MusterLinks
import MusterStore
import NIOConcurrencyHelpers
import Prometheus

/// The metrics, through swift-metrics gauges and counters on a registry of our own (no global bootstrap).
///
/// | metric                                       | labels                         | what                                       |
/// |----------------------------------------------|--------------------------------|--------------------------------------------|
/// | `muster_outbox_messages`                     | `rule`, `state`                | entries in the outbox (every state, 0 too) |
/// | `muster_outbox_due_messages`                 |                                | queued entries due, of rules not paused    |
/// | `muster_outbox_oldest_due_seconds`           |                                | how long the longest-waiting due one waited|
/// | `muster_outbox_paused_due_messages`          |                                | queued entries due, held by a pause        |
/// | `muster_sending_paused`                      |                                | 1 while all sending is paused              |
/// | `muster_last_sent_timestamp_seconds`         |                                | the latest `sent_at` (0 before any)        |
/// | `muster_outbox_last_reply_messages`          | `class`                        | entries by their relay's last reply class  |
/// | `muster_delivery_attempts_total`             | `class`                        | every attempt, by its reply's class        |
/// | `muster_bounces_total`                       | `kind` (`permanent`, `transient`) | bounces recorded against our messages   |
/// | `muster_complaints_total`                    |                                | complaints (feedback reports) recorded     |
/// | `muster_bounce_reports_unmatched_total`      |                                | reports kept aside, unmatched or unreadable|
/// | `muster_link_hits_total`                     | `purpose`, `method`, `status`  | link requests since `muster run` started   |
/// | `muster_last_pass_duration_seconds`          |                                | the daemon's latest pass                   |
/// | `muster_last_pass_timestamp_seconds`         |                                | when it ran                                |
///
/// Labels hold rule ids, states, reply and status classes, bounce kinds and link purposes only:
/// nothing about a member. Outbox counts are gauges (an entry moves between states), so alerts use
/// their values and `delta()`; the `_total` counters only grow (the link hits from 0 at each start,
/// the others kept in the database), so `rate()` and `increase()` fit them.
final class ConsoleMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let passes: PassRecord?
    private let linkHits: LinkHits?
    private let lock = NIOLock()

    init(passes: PassRecord?, linkHits: LinkHits? = nil) {
        self.passes = passes
        self.linkHits = linkHits
        factory = PrometheusMetricsFactory(registry: registry)
    }

    private func gauge(_ name: String, _ labels: [(String, String)] = []) -> Metrics.Gauge {
        Metrics.Gauge(label: name, dimensions: labels, factory: factory)
    }

    /// A counter whose total is kept elsewhere (the database, `LinkHits`): set to that total. Only
    /// under `lock`, which the emission holds too, so no scrape sees it between reset and increment.
    private func counter(_ name: String, _ labels: [(String, String)] = [], total: Int) {
        let c = Metrics.Counter(label: name, dimensions: labels, factory: factory)
        c.reset()
        c.increment(by: max(0, total))
    }

    /// Reads the outbox at `now` and returns the text exposition.
    func scrape(district: District, now: Date) throws -> String {
        let counts = try OutboxStore(district.store).countsByStateAndRule()
        let figures = try ConsoleQueries(district.store).outboxFigures(now: now)
        let attempts = try DeliveryAttempts(district.store).counts()
        let bounces = try BounceStore(district.store).counts()
        let hits = linkHits?.counts ?? [:]
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
            gauge("muster_outbox_paused_due_messages").record(figures.pausedDue)
            gauge("muster_sending_paused").record(figures.allPaused ? 1 : 0)
            gauge("muster_last_sent_timestamp_seconds").record(figures.lastSentAt?.timeIntervalSince1970 ?? 0)
            for cls in ReplyClass.allCases {
                gauge("muster_outbox_last_reply_messages", [("class", cls.rawValue)]).record(figures.byReplyClass[cls.rawValue]?.entries ?? 0)
                counter("muster_delivery_attempts_total", [("class", cls.rawValue)], total: attempts[cls] ?? 0)
            }
            counter("muster_bounces_total", [("kind", "permanent")], total: bounces.permanent)
            counter("muster_bounces_total", [("kind", "transient")], total: bounces.transient)
            counter("muster_complaints_total", total: bounces.complaints)
            counter("muster_bounce_reports_unmatched_total", total: bounces.unmatched)
            for (key, n) in hits.sorted(by: { $0.key < $1.key }) {
                counter("muster_link_hits_total", [("purpose", key.purpose), ("method", key.method), ("status", key.status)], total: n)
            }
            if let last = passes?.last {
                gauge("muster_last_pass_duration_seconds").record(last.seconds)
                gauge("muster_last_pass_timestamp_seconds").record(last.at.timeIntervalSince1970)
            }
            return registry.emitToString()
        }
    }
}
