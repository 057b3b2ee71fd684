// One pass of muster's work: plan, enqueue (render once, store the bytes), expire, deliver, record.
import Foundation
import Logging
import MusterCore
import MusterMail
import MusterStore
import MusterTemplates

/// Makes the links a message carries (unsubscribe, voted, RSVP) and the List-Unsubscribe URL.
public protocol LinkMaking: Sendable {
    /// `expires` is when a pledge or RSVP link stops working (an event's start, a ballot's close).
    func messageLinks(memberID: Int64, topic: String, eventID: Int64?, ballotID: Int64?, expires: Date?) -> MessageLinks
    /// The RFC 8058 one-click URL for `List-Unsubscribe`; nil when messages carry no links.
    func unsubscribeURL(memberID: Int64, topic: String) -> String?
}

/// What one tick did, for the one-screen summary and the exit status.
public struct TickSummary: Sendable {
    /// Occurrences the planner found due now.
    public var due = 0
    /// New outbox entries queued for delivery.
    public var queued = 0
    /// New entries that went in suppressed (no address, opted out, unsubscribed, bounced) or failed (bad data).
    public var suppressed = 0
    public var failedAtEnqueue = 0
    public var skippedPastGrace: [String: Int] = [:]
    public var expired = 0
    public var sent = 0
    public var deferred = 0
    public var failed = 0
    /// Deliveries attempted this tick, and how many of them found the transport down.
    public var attempted = 0
    public var transportDown = 0
    public var nextDue: Date?

    public init() {}

    /// True when messages were tried and none could be delivered because the server could not be used.
    public var nothingDelivered: Bool { attempted > 0 && sent == 0 && transportDown > 0 && transportDown == deferred }
}

/// The unit of work: `muster tick`, the daemon and the tests all call `tick(now:)`.
///
///     let engine = Engine(district: district, transport: transport, links: nil, logger: logger)
///     let summary = try await engine.tick(now: Date())
public struct Engine: Sendable {
    public let district: District
    public let transport: any MailTransport
    public let links: (any LinkMaking)?
    public let logger: Logger
    /// Entries claimed and handed to the transport at once.
    public var batchSize = 500

    public init(district: District, transport: any MailTransport, links: (any LinkMaking)?, logger: Logger) {
        self.district = district; self.transport = transport; self.links = links; self.logger = logger
    }

    var outbox: OutboxStore { OutboxStore(district.store) }

    /// Puts messages a crash left `sending` back in the queue with the same bytes and Message-ID.
    /// Call once when a process starts, before the first tick.
    @discardableResult
    public func recover(now: Date) throws -> Int {
        let n = try outbox.recoverInFlight(now: now)
        if n > 0 { logger.notice("recovered=\(n) status=requeued reason=\"in flight at a crash or kill\"") }
        return n
    }

    /// Plans, enqueues and delivers what is due at `now`.
    ///
    /// A large pass (a district-wide reminder) is rendered and stored on a thread of its own, chunk by
    /// chunk, while what is already stored goes out: the cores render while the network waits.
    public func tick(now: Date) async throws -> TickSummary {
        var s = TickSummary()
        let occurrences = try planDue(now: now, into: &s)
        s.expired = try outbox.expire(now: now)
        if occurrences.count <= Self.pipelineThreshold {
            try enqueue(occurrences, now: now, into: &s)
            try await deliver(now: now, into: &s)
        } else {
            let feed = EnqueueFeed()
            let engine = self
            Thread {
                var counts = TickSummary()
                do {
                    try engine.enqueue(occurrences, now: now, into: &counts)
                    feed.finish(counts, nil)
                } catch {
                    feed.finish(counts, error)
                }
            }.start()
            let down = try await deliver(now: now, into: &s, whileMoreMayCome: { !feed.isFinished })
            let (counts, error) = try await feed.wait()
            s.queued += counts.queued
            s.suppressed += counts.suppressed
            s.failedAtEnqueue += counts.failedAtEnqueue
            if let error { throw error }
            if !down { try await deliver(now: now, into: &s) }
        }
        s.nextDue = try outbox.nextDue()
        return s
    }

    /// Passes with more occurrences than this are rendered beside delivery rather than before it.
    static let pipelineThreshold = 2_000

    /// Plans at `now` and enqueues every due occurrence not yet in the outbox.
    public func plan(now: Date, into s: inout TickSummary) throws {
        try enqueue(try planDue(now: now, into: &s), now: now, into: &s)
    }

    /// Plans at `now` (recording audience entries and rule state) and returns what is due.
    func planDue(now: Date, into s: inout TickSummary) throws -> [Occurrence] {
        let result = try planPass(
            store: district.store, rules: district.rules, organisation: district.config.organisation,
            now: now, horizon: 0, record: true)
        s.due += result.occurrences.count
        for (rule, n) in result.skippedPastGrace { s.skippedPastGrace[rule, default: 0] += n }
        return result.occurrences
    }

    /// Renders and stores the occurrences that are new; those already in the outbox are left alone.
    func enqueue(_ occurrences: [Occurrence], now: Date, into s: inout TickSummary) throws {
        guard !occurrences.isEmpty else { return }
        let suppressions = try outbox.loadSuppressions()
        let composer = MessageComposer(district: district, links: links)
        // Small chunks first, so that delivery beside it can start soon; larger ones after.
        var start = 0
        while start < occurrences.count {
            let chunkSize = start == 0 ? 250 : 1_000
            let chunk = Array(occurrences[start..<min(start + chunkSize, occurrences.count)])
            start += chunk.count
            let existing = try outbox.existingKeys(chunk.map(\.dedupeKey))
            let fresh = chunk.filter { !existing.contains($0.dedupeKey) }
            guard !fresh.isEmpty else { continue }
            let drafts = try composer.compose(fresh, suppressions: suppressions, now: now)
            let inserted = try outbox.enqueue(drafts, now: now)
            for d in drafts {
                if d.failedReason != nil { s.failedAtEnqueue += 1 }
                else if d.suppressedReason != nil { s.suppressed += 1 }
                else { s.queued += 1 }
            }
            _ = inserted
            for d in drafts where d.suppressedReason != nil || d.failedReason != nil {
                let o = d.occurrence
                logger.info("member=\(o.memberID) rule=\(o.rule) step=\(o.step) status=\(d.failedReason == nil ? "suppressed" : "failed") reason=\"\(d.failedReason ?? d.suppressedReason ?? "")\"")
            }
        }
    }

    /// Claims due entries batch by batch and hands them to the transport, recording each result.
    /// A batch's results are recorded while the next batch is on the wire, so the database and the
    /// network overlap. Stops early when a whole batch finds the transport down: the rest wait for
    /// the next tick.
    /// `whileMoreMayCome` says whether entries are still being stored: while it is true an empty
    /// queue is waited on, not taken as the end. Returns true when it stopped because the transport
    /// was down.
    @discardableResult
    public func deliver(
        now: Date, into s: inout TickSummary, whileMoreMayCome: @Sendable () -> Bool = { false }
    ) async throws -> Bool {
        var done: (batch: [OutboxEntry], results: [DeliveryResult])?
        while true {
            let batch = try outbox.claimDue(now: now, limit: batchSize)
            if batch.isEmpty {
                guard whileMoreMayCome() else { break }
                if let d = done { try record(d.batch, d.results, now: now, into: &s); done = nil }
                try await Task.sleep(nanoseconds: 20_000_000)
                continue
            }
            async let sending = transport.send(outgoing(batch))
            if let d = done { try record(d.batch, d.results, now: now, into: &s); done = nil }
            let results = await sending
            if batch.count == results.filter(\.isTransportDown).count {
                try record(batch, results, now: now, into: &s)
                return true
            }
            done = (batch, results)
        }
        if let d = done { try record(d.batch, d.results, now: now, into: &s) }
        return false
    }

    /// What one batch came to.
    public enum BatchOutcome: Sendable, Equatable {
        /// Nothing was due.
        case nothingDue
        /// A batch was handed over and recorded; more may be due.
        case delivered
        /// Every message of the batch found the transport down (all deferred).
        case transportDown
    }

    /// Claims at most `batchSize` due entries, hands them to the transport and records each result.
    /// The daemon calls this once per turn, so a shutdown waits for one batch at most.
    public func deliverBatch(now: Date, into s: inout TickSummary) async throws -> BatchOutcome {
        let batch = try outbox.claimDue(now: now, limit: batchSize)
        if batch.isEmpty { return .nothingDue }
        let results = await transport.send(outgoing(batch))
        try record(batch, results, now: now, into: &s)
        return batch.count == results.filter(\.isTransportDown).count ? .transportDown : .delivered
    }

    /// The envelope and bytes of claimed entries, as stored.
    func outgoing(_ batch: [OutboxEntry]) -> [OutgoingMessage] {
        let sender = district.config.mail.from.address
        return batch.map {
            OutgoingMessage(id: $0.id, sender: sender, recipient: $0.recipient ?? "", messageID: $0.messageID, data: $0.message ?? Data())
        }
    }

    /// Records one batch's results, counts them and logs one line each.
    func record(_ batch: [OutboxEntry], _ results: [DeliveryResult], now: Date, into s: inout TickSummary) throws {
        let clock = Date() > now ? Date() : now
        try outbox.record(zip(batch.map(\.id), results).map { ($0, $1) }, now: clock)
        for (entry, result) in zip(batch, results) {
            s.attempted += 1
            let status: String
            switch result {
            case .sent: s.sent += 1; status = "sent"
            case let .deferred(_, transportDown): s.deferred += 1; status = "deferred"; if transportDown { s.transportDown += 1 }
            case .failed: s.failed += 1; status = "failed"
            }
            logger.info("outbox=\(entry.id) member=\(entry.memberID) rule=\(entry.rule) step=\(entry.step) status=\(status) attempt=\(entry.attempts + 1) reply=\"\(Self.logSafe(result.reply))\"")
        }
    }

    /// A reply as it may go in a log line: addresses removed, quotes and line ends flattened.
    static func logSafe(_ reply: String) -> String {
        DeliveryResult.redactAddresses(reply)
            .replacingOccurrences(of: "\"", with: "'")
            .components(separatedBy: .newlines).joined(separator: " ")
    }
}

extension DeliveryResult {
    /// A deferral because the transport could not be used at all.
    var isTransportDown: Bool {
        if case .deferred(_, true) = self { return true }
        return false
    }
}

/// The counts of an enqueue running on a thread of its own, and whether it has finished.
final class EnqueueFeed: @unchecked Sendable {
    private let lock = NSLock()
    private var result: (TickSummary, (any Error)?)?

    var isFinished: Bool { lock.withLock { result != nil } }

    func finish(_ counts: TickSummary, _ error: (any Error)?) { lock.withLock { result = (counts, error) } }

    /// Waits (without holding a thread) until the enqueue has finished.
    func wait() async throws -> (TickSummary, (any Error)?) {
        while true {
            if let r = lock.withLock({ result }) { return r }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
    }
}
