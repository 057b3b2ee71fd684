// One pass of muster's work: plan, enqueue (render once, store the bytes), expire, deliver, record.
import Foundation
import Logging
import MusterCore
import MusterLinks
import MusterMail
import MusterStore
import MusterTemplates

/// Makes the links a message carries (unsubscribe, voted, RSVP) and the List-Unsubscribe URL.
public protocol LinkMaking: Sendable {
    /// `expires` is when a pledge or RSVP link stops working (an event's start, a ballot's close).
    func messageLinks(memberID: Int64, topic: String, eventID: Int64?, ballotID: Int64?, expires: Date?) -> MessageLinks
    /// The RFC 8058 one-click URL for `List-Unsubscribe`; nil when messages carry no links.
    func unsubscribeURL(memberID: Int64, topic: String) -> String?
    /// The link by which rep `repID` reports that `memberID` has voted in the ballot; nil when none.
    func markVotedURL(repID: Int64, memberID: Int64, ballotID: Int64, expires: Date) -> String?
}

extension LinkMaking {
    public func markVotedURL(repID: Int64, memberID: Int64, ballotID: Int64, expires: Date) -> String? { nil }
}

/// Whom a pass plans for.
public enum PassScope: Sendable, Equatable {
    /// Every rule for every member: `tick`, and the daemon's whole-district passes.
    case everyone
    /// Every rule narrowed to these members: the daemon, after another program changed them.
    case members([Int64])
    /// Nobody: the pass only delivers what is already due.
    case nobody
}

/// How much a pass delivers.
public enum PassDelivery: Sendable, Equatable {
    /// Until nothing due is left (or the transport is down): `tick`.
    case untilDrained
    /// At most this many batches once enqueueing is done: the daemon's turn, so that a shutdown or
    /// a data change waits for one batch at most. Zero delivers nothing.
    case batches(Int)
}

/// What one pass did, for the one-screen summary of `tick`, the daemon's log line and the exit status.
public struct PassSummary: Sendable {
    /// Occurrences the planner found due now.
    public var due = 0
    /// New outbox entries queued for delivery.
    public var queued = 0
    /// New entries that went in suppressed (no address, opted out, unsubscribed, bounced) or failed (bad data).
    public var suppressed = 0
    public var failedAtEnqueue = 0
    /// Events that change: notices planned, queued messages suppressed because their event was
    /// cancelled (or a later notice superseded them), queued reminders rendered again.
    public var notices = 0
    public var suppressedByEventChange = 0
    public var rerendered = 0
    public var skippedPastGrace: [String: Int] = [:]
    /// Per rule: new entries the member limits moved to a later day, and those they skipped
    /// (`member limit`: the next free day was past their grace or expiry).
    public var movedByLimit: [String: Int] = [:]
    public var skippedByLimit: [String: Int] = [:]
    /// Rules whose planning failed alone this pass (a `where:` stopped by a limit, say): rule id →
    /// reason. They were skipped; the others planned and delivered.
    public var failedRules: [String: String] = [:]
    public var expired = 0
    public var sent = 0
    public var deferred = 0
    public var failed = 0
    /// Deliveries attempted this pass, and how many of them found the transport down.
    public var attempted = 0
    public var transportDown = 0
    /// The outbox's next due entry after the pass (a first attempt or a retry).
    public var nextDue: Date?
    /// The earliest instant after `now`, within the pass's lookahead, at which a rule planned makes
    /// something due by time alone; nil when none (or the lookahead is zero).
    public var nextTimeDue: Date?
    /// Wall-clock seconds the pass took (for logs and benchmarks; never used to decide anything).
    public var seconds: Double = 0

    public init() {}

    /// True when messages were tried and none could be delivered because the server could not be used.
    public var nothingDelivered: Bool { attempted > 0 && sent == 0 && transportDown > 0 && transportDown == deferred }

    /// Adds `other`'s enqueue counts (from the thread that rendered beside delivery).
    mutating func addEnqueued(_ other: PassSummary) {
        queued += other.queued; suppressed += other.suppressed; failedAtEnqueue += other.failedAtEnqueue
        for (r, n) in other.movedByLimit { movedByLimit[r, default: 0] += n }
        for (r, n) in other.skippedByLimit { skippedByLimit[r, default: 0] += n }
    }
}

/// The unit of work: `muster tick`, the daemon and the tests all call `pass(now:scope:)`.
///
///     let engine = Engine(district: district, transport: transport, links: nil, logger: logger)
///     try engine.recover(now: now)                      // once, when a process starts
///     let summary = try await engine.pass(now: now)     // what `muster tick` does
///
/// A pass plans (`plan(now:scope:lookahead:into:)`), expires what waited too long, enqueues what
/// is new and delivers what is due, all reckoned from `now`: due times, retries
/// (`next attempt = now + backoff`), expiry, grace and `sent_at`. Each message's result is
/// journaled before the next message goes out on its connection and folded into the outbox in
/// batches (`DeliveryRecorder`, `DeliveryJournal`), so a kill can repeat at most one message per connection.
public struct Engine: Sendable {
    public let district: District
    public let transport: any MailTransport
    public let links: (any LinkMaking)?
    public let logger: Logger
    /// Entries claimed and handed to the transport at once.
    public var batchSize = 500
    /// Signs the VERP envelope senders when `mail.bounce_address` is set (`Envelope`); nil: mail.from.
    public var bounceSigner: LinkSigner?

    public init(district: District, transport: any MailTransport, links: (any LinkMaking)?, logger: Logger) {
        self.district = district; self.transport = transport; self.links = links; self.logger = logger
    }

    var outbox: OutboxStore { OutboxStore(district.store) }

    /// Puts messages a crash left `sending` back in the queue with the same bytes and Message-ID.
    /// Call once when a process starts, before the first pass.
    @discardableResult
    ///
    /// First the delivery journal: replies that arrived before the crash but were not yet folded
    /// into the outbox are recorded (sent, deferred, failed) and do not repeat. What is still
    /// `sending` after that had no reply recorded anywhere, at most one per connection.
    public func recover(now: Date) throws -> Int {
        let journal = try DeliveryJournal(databasePath: district.store.path)
        let replayed = try outbox.replay(try DeliveryJournal.records(at: journal.path))
        try journal.clear()
        if replayed > 0 { logger.notice("recovered=\(replayed) status=recorded reason=\"replies journaled before a crash or kill\"") }
        let n = try outbox.recoverInFlight(now: now)
        if n > 0 { logger.notice("recovered=\(n) status=requeued reason=\"in flight at a crash or kill\"") }
        return n
    }

    /// Plans for `scope` at `now`, enqueues every due occurrence not yet in the outbox, and delivers.
    ///
    /// `lookahead` lets the planner also report, in `nextTimeDue`, when within that time something
    /// next falls due by time alone (the daemon sleeps until then); occurrences due after `now` are
    /// never enqueued. A large pass (a district-wide reminder) is rendered and stored on a thread of
    /// its own, chunk by chunk, while what is already stored goes out: the cores render while the
    /// network waits. `stop` is asked between batches (a graceful shutdown): once it says true no
    /// further batch is claimed and rendering stops after the chunk in hand.
    public func pass(
        now: Date, scope: PassScope = .everyone, lookahead: TimeInterval = 0,
        delivery: PassDelivery = .untilDrained, stop: @escaping @Sendable () -> Bool = { false }
    ) async throws -> PassSummary {
        let start = DispatchTime.now().uptimeNanoseconds
        var s = PassSummary()
        try recordHistory(now: now, scope: scope)
        // Events that changed first: their queued reminders are stopped or rewritten before
        // anything is claimed, and their notices go out with this pass.
        let followUp = scope == .nobody ? EventFollowUp() : try followEventChanges(now: now, into: &s)
        let (planned, zones) = try planDue(now: now, scope: scope, lookahead: lookahead, into: &s)
        let due = followUp.notices + planned
        s.due += followUp.notices.count
        if scope == .everyone { s.expired = try outbox.expire(now: now) }
        if due.count <= Self.pipelineThreshold || delivery == .batches(0) {
            try enqueue(due, zones: zones, now: now, into: &s)
            try markFollowedUp(followUp)
            try await deliver(now: now, delivery: delivery, into: &s, stop: stop)
        } else {
            let feed = EnqueueFeed()
            let engine = self
            Thread {
                var counts = PassSummary()
                do {
                    try engine.enqueue(due, zones: zones, now: now, into: &counts, cancelled: { feed.isCancelled })
                    feed.finish(counts, nil)
                } catch {
                    feed.finish(counts, error)
                }
            }.start()
            let down = try await deliver(
                now: now, delivery: .untilDrained, into: &s, stop: { if stop() { feed.cancel() }; return feed.isCancelled },
                whileMoreMayCome: { !feed.isFinished })
            let (counts, error) = try await feed.wait()
            s.addEnqueued(counts)
            if let error { throw error }
            if !feed.isCancelled { try markFollowedUp(followUp) }
            if !down && !stop() { try await deliver(now: now, delivery: delivery, into: &s, stop: stop) }
        }
        s.nextDue = try outbox.nextDue()
        s.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return s
    }

    /// The day's snapshot (on the first pass of a local day) and the status changes of the members
    /// in `scope` that another program made (`Store.recordHistory`).
    func recordHistory(now: Date, scope: PassScope) throws {
        let history: HistoryScope
        switch scope {
        case .everyone: history = .everyone
        case .members(let ids): history = .members(ids)
        case .nobody: history = .nobody
        }
        let note = try district.store.recordHistory(now: now, zone: district.config.organisation.timeZone, scope: history)
        if let day = note.snapshotDay { logger.info("snapshot=\(day) status=written") }
        if note.statusChanges > 0 { logger.info("status_changes=\(note.statusChanges) status=recorded") }
    }

    /// Passes with more occurrences than this are rendered beside delivery rather than before it.
    static let pipelineThreshold = 2_000

    /// Plans for `scope` at `now` (recording audience entries and rule state) and returns what is
    /// due at `now`, counting it in `s`; `s.nextTimeDue` gets the first occurrence due later within
    /// `lookahead`. Enqueues nothing: `pass` does, and a benchmark may time planning alone.
    ///
    /// One `planPass` with `horizon: lookahead` does both: occurrences due at or before `now` are
    /// exactly those a pass with no lookahead plans (the planner's window ends at `now + horizon`,
    /// the rest of its judgement does not depend on the horizon); the later ones give the next instant.
    public func plan(now: Date, scope: PassScope, lookahead: TimeInterval, into s: inout PassSummary) throws -> [Occurrence] {
        try planDue(now: now, scope: scope, lookahead: lookahead, into: &s).due
    }

    /// `plan`, with the zones its occurrences' `zone` indexes name.
    func planDue(
        now: Date, scope: PassScope, lookahead: TimeInterval, into s: inout PassSummary
    ) throws -> (due: [Occurrence], zones: ZoneTable) {
        let rules: [Rule]
        let none = (due: [Occurrence](), zones: ZoneTable(organisation: district.config.organisation.timeZone))
        switch scope {
        case .nobody: return none
        case .everyone: rules = district.rules
        case .members(let ids):
            guard !ids.isEmpty else { return none }
            rules = Self.narrow(district.rules, to: ids)
        }
        let result = try planPass(
            store: district.store, rules: rules, organisation: district.config.organisation,
            now: now, horizon: lookahead, record: true)
        var due: [Occurrence] = []
        for o in result.occurrences {
            if o.due <= now {
                due.append(o)
            } else if s.nextTimeDue.map({ o.due < $0 }) ?? true {
                s.nextTimeDue = o.due
            }
        }
        s.due += due.count
        for (rule, n) in result.skippedPastGrace { s.skippedPastGrace[rule, default: 0] += n }
        for (rule, why) in result.failedRules {
            s.failedRules[rule] = why
            logger.error("rule=\(rule) status=skipped reason=\"\(Self.logSafe(why))\"")
        }
        return (due, result.zones ?? none.zones)
    }

    /// `rules` with each audience narrowed to `members`.
    ///
    /// Each rule's audience gets `AND m.id IN (...)`, so every query of the planner (date anchors,
    /// audience entries, event invitations, ballot places, recurring audiences) reads only those
    /// members. Only rules planned before may be narrowed: a rule's first pass records its
    /// `entered_audience` baseline, which must cover everyone; the daemon plans everything first.
    public static func narrow(_ rules: [Rule], to members: [Int64]) -> [Rule] {
        let only = "m.id IN (\(members.map(String.init).joined(separator: ",")))"
        return rules.map { rule in
            var r = rule
            r.audience.condition = r.audience.condition.map { "(\($0)) AND \(only)" } ?? only
            return r
        }
    }

    /// Renders and stores the occurrences that are new; those already in the outbox are left alone.
    /// `cancelled` is asked between chunks: rendering stops early when it says true.
    ///
    /// Under `mail.per_member` the new ones of each chunk pass the member limits first (`MemberLimits`,
    /// counting what the outbox holds for the chunk's members in one query): a moved one is stored
    /// to go at its new time, a skipped one goes in `suppressed` with the reason `member limit`,
    /// unrendered. Chunks go highest priority first, then earliest expiry, so that across chunks
    /// too the message that matters more takes a member's slot.
    func enqueue(
        _ occurrences: [Occurrence], zones: ZoneTable? = nil, now: Date, into s: inout PassSummary,
        cancelled: () -> Bool = { false }
    ) throws {
        guard !occurrences.isEmpty else { return }
        let suppressions = try outbox.loadSuppressions()
        let composer = MessageComposer(district: district, links: links)
        let limit = district.config.mail.perMember
        let occurrences = limit == nil ? occurrences : Self.byPriority(occurrences)
        // Small chunks first, so that delivery beside it can start soon; larger ones after.
        var start = 0
        while start < occurrences.count, !cancelled() {
            let chunkSize = start == 0 ? 250 : 1_000
            let chunk = Array(occurrences[start..<min(start + chunkSize, occurrences.count)])
            start += chunk.count
            let existing = try outbox.existingKeys(chunk.map(\.dedupeKey))
            let fresh = chunk.filter { !existing.contains($0.dedupeKey) }
            guard !fresh.isEmpty else { continue }
            let drafts: [NewOutboxEntry]
            if let limit, let zones {
                drafts = try composeWithinLimits(fresh, limit: limit, zones: zones, composer: composer,
                                                 suppressions: suppressions, now: now, into: &s)
            } else {
                drafts = try composer.compose(fresh, suppressions: suppressions, now: now)
            }
            try outbox.enqueue(drafts, now: now)
            for d in drafts {
                if d.failedReason != nil { s.failedAtEnqueue += 1 }
                else if d.suppressedReason == LimitDecision.reason { continue }  // in skippedByLimit
                else if d.suppressedReason != nil { s.suppressed += 1 }
                else { s.queued += 1 }
            }
            for d in drafts where d.suppressedReason != nil || d.failedReason != nil {
                let o = d.occurrence
                logger.info("member=\(o.memberID) rule=\(o.rule) step=\(o.step) status=\(d.failedReason == nil ? "suppressed" : "failed") reason=\"\(d.failedReason ?? d.suppressedReason ?? "")\"")
            }
        }
    }

    /// `occurrences` highest priority first, then earliest expiry (stable otherwise).
    static func byPriority(_ occurrences: [Occurrence]) -> [Occurrence] {
        guard occurrences.contains(where: { $0.priority != occurrences[0].priority }) else { return occurrences }
        let order = occurrences.indices.sorted { a, b in
            let x = occurrences[a], y = occurrences[b]
            return (x.priority.rank, x.expires, a) < (y.priority.rank, y.expires, b)
        }
        return order.map { occurrences[$0] }
    }

    /// New occurrences through the member limits, then composed: those that go now or later are
    /// rendered (a moved one waits until its new time, with the reason kept); skipped ones go in
    /// suppressed, `member limit`.
    func composeWithinLimits(
        _ fresh: [Occurrence], limit: MemberLimit, zones: ZoneTable, composer: MessageComposer,
        suppressions: SuppressionList, now: Date, into s: inout PassSummary
    ) throws -> [NewOutboxEntry] {
        let quiet = district.config.mail.quietHours
        let candidates = fresh.map { o in
            LimitCandidate(
                member: o.memberID, zone: o.zone,
                sendAt: (o.atLocalTime || o.notice ? nil : quiet?.end(after: o.due, in: zones[o.zone])) ?? o.due,
                priority: o.priority, expires: o.expires)
        }
        let booked = try outbox.memberBookings(members: fresh.map(\.memberID), from: MemberLimits.countFrom(now))
        let decisions = MemberLimits.decide(candidates, booked: booked.instants, limit: limit, zones: zones, now: now)
        var going: [Occurrence] = []
        var moves: [Date?] = []
        var drafts: [NewOutboxEntry] = []
        let domain = district.config.mail.from.domain
        for (o, d) in zip(fresh, decisions) {
            switch d {
            case .send: going.append(o); moves.append(nil)
            case .moved(let to): going.append(o); moves.append(to); s.movedByLimit[o.rule, default: 0] += 1
            case .skipped:
                s.skippedByLimit[o.rule, default: 0] += 1
                drafts.append(NewOutboxEntry(
                    occurrence: o, recipient: nil, messageID: MIMEMessage.messageID(forKey: o.dedupeKey, domain: domain),
                    message: nil, suppressedReason: LimitDecision.reason))
            }
        }
        var composed = try composer.compose(going, suppressions: suppressions, now: now)
        for i in composed.indices {
            guard let to = moves[i], composed[i].initialState == .queued else { continue }
            composed[i].notBefore = to
            composed[i].note = LimitDecision.reason
        }
        return composed + drafts
    }

    /// The one delivery loop: claims due entries batch by batch and hands them to the transport,
    /// each result recorded as the transport settles it. While a batch goes out the next one is
    /// claimed beside it (on a thread of its own), so a connection does not wait for the database
    /// between batches; a claimed batch that is not sent (a stop, a transport down, an error) goes
    /// back to the queue. Stops when nothing due is left, when `delivery` allows no more batches,
    /// when `stop` says so, or when a whole batch found the transport down (the rest wait for the
    /// next pass).
    /// `whileMoreMayCome` says whether entries are still being stored: while it is true an empty
    /// queue is waited on, not taken as the end. Returns true when it stopped because the transport
    /// was down.
    @discardableResult
    func deliver(
        now: Date, delivery: PassDelivery, into s: inout PassSummary,
        stop: @Sendable () -> Bool = { false }, whileMoreMayCome: @Sendable () -> Bool = { false }
    ) async throws -> Bool {
        var batches = 0
        var ahead: [OutboxEntry] = []
        defer { if !ahead.isEmpty { try? outbox.release(ids: ahead.map(\.id), now: now) } }
        while !stop() {
            if case .batches(let n) = delivery, batches >= n { break }
            let batch = ahead.isEmpty ? try outbox.claimDue(now: now, limit: batchSize) : ahead
            ahead = []
            if batch.isEmpty {
                guard whileMoreMayCome() else { break }
                try await Task.sleep(nanoseconds: 20_000_000)
                continue
            }
            batches += 1
            let another: Bool
            if case .batches(let n) = delivery { another = batches < n } else { another = true }
            // A full batch says more may be due: claim the next while this one goes.
            let claimAhead = another && batch.count == batchSize
            let next = claimAhead ? ClaimAhead(outbox: outbox, now: now, limit: batchSize) : nil
            let down: Bool
            do {
                down = try await send(batch, now: now, into: &s)
            } catch {
                if let claimed = try? await next?.entries() { ahead = claimed }
                throw error
            }
            ahead = try await next?.entries() ?? []
            if down { return true }
        }
        return false
    }

    /// Hands one claimed batch to the transport and records each result as it is settled.
    /// Entries that cannot make a message (no recipient, no stored bytes) fail with the reason
    /// instead of going out empty. Returns true when every message found the transport down.
    func send(_ batch: [OutboxEntry], now: Date, into s: inout PassSummary) async throws -> Bool {
        var ready: [OutboxEntry] = []
        ready.reserveCapacity(batch.count)
        for entry in batch {
            if let why = Self.unsendable(entry) {
                try outbox.markFailed(id: entry.id, reason: why, now: now)
                s.failed += 1
                logger.error("outbox=\(entry.id) member=\(entry.memberID) rule=\(entry.rule) step=\(entry.step) status=failed reason=\"\(why)\"")
            } else {
                ready.append(entry)
            }
        }
        // A rule paused since the batch was claimed (it may have been claimed while the one before
        // it went): its entries go back to the queue before anything of them is sent.
        let paused = try PausedRules(district.store).rules()
        let held = paused.isEmpty ? [] : ready.filter { paused.pauses($0.rule) }
        if !held.isEmpty {
            try outbox.release(ids: held.map(\.id), now: now)
            ready.removeAll { paused.pauses($0.rule) }
            logger.notice("status=paused released=\(held.count) reason=\"a rule of the batch was paused\"")
        }
        guard !ready.isEmpty else { return false }
        let journal = try DeliveryJournal(databasePath: district.store.path)
        let recorder = DeliveryRecorder(batch: ready, outbox: outbox, journal: journal, now: now, logger: logger)
        let envelope = Envelope(config: district.config, signer: bounceSigner)
        let pauses = PauseWatch(store: district.store, rules: Set(ready.map(\.rule)))
        await transport.send(
            ready.map { OutgoingMessage(id: $0.id, sender: envelope.sender(outboxID: $0.id, memberID: $0.memberID), recipient: $0.recipient!, messageID: $0.messageID, data: $0.message!) },
            settle: { i, result in
                try recorder.settle(i, result)
                // A rule paused while this batch goes: nothing more is handed on (the rest goes back to the queue).
                if pauses.sawPause() { throw PauseWatch.Paused() }
            })
        try? recorder.finish()
        let settled = recorder.results
        var down = 0
        var unsettled: [Int64] = []
        for (entry, result) in zip(ready, settled) {
            guard let result else { unsettled.append(entry.id); continue }
            s.attempted += 1
            switch result {
            case .sent: s.sent += 1
            case let .deferred(_, transportDown): s.deferred += 1; if transportDown { s.transportDown += 1; down += 1 }
            case .failed: s.failed += 1
            }
        }
        if let failure = recorder.failure {
            // Results could not be recorded (a full disk, a lost database): what was never tried
            // goes back to the queue; what was tried but not recorded stays `sending` for
            // `recover` (it may have been delivered; its reply may be in the journal).
            try? outbox.release(ids: unsettled, now: now)
            throw failure
        }
        if pauses.paused {
            try outbox.release(ids: unsettled, now: now)
            logger.notice("status=paused released=\(unsettled.count) reason=\"a rule of the batch was paused\"")
        }
        return down == ready.count
    }

    /// Why a claimed entry cannot be handed to a transport; nil when it can.
    static func unsendable(_ entry: OutboxEntry) -> String? {
        guard let r = entry.recipient, !r.isEmpty else { return "the outbox entry has no recipient address" }
        guard let m = entry.message, !m.isEmpty else { return "the outbox entry has no stored message" }
        return nil
    }

    /// A reply as it may go in a log line: addresses removed, quotes and line ends flattened.
    static func logSafe(_ reply: String) -> String {
        let redacted = DeliveryResult.redactAddresses(reply)
        // Printable ASCII without a quote (a server's usual "250 2.0.0 Ok"): nothing below changes it.
        if redacted.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 }) { return redacted }
        return redacted
            .replacingOccurrences(of: "\"", with: "'")
            .components(separatedBy: .newlines).joined(separator: " ")
    }
}

/// Whether a rule of a batch in delivery has been paused (`muster pause`), read from the database at
/// most every 100 ms as messages settle: a pause stops the batch within a moment, and costs a
/// delivery of thousands of messages a second a few reads.
final class PauseWatch: @unchecked Sendable {
    struct Paused: Error {}
    private let store: Store
    private let rules: Set<String>
    private let lock = NSLock()
    private var lastLook: UInt64 = 0
    private var seen = false

    init(store: Store, rules: Set<String>) { self.store = store; self.rules = rules }

    /// True once a pause of one of the batch's rules (or of all) has been seen.
    var paused: Bool { lock.withLock { seen } }

    func sawPause() -> Bool {
        let t = DispatchTime.now().uptimeNanoseconds
        let look = lock.withLock { () -> Bool in
            if seen { return false }
            if t &- lastLook < 100_000_000 { return false }
            lastLook = t
            return true
        }
        if look, let paused = try? PausedRules(store).rules(), rules.contains(where: { paused.pauses($0) }) {
            lock.withLock { seen = true }
        }
        return paused
    }
}

/// The next batch, claimed on a thread of its own while the current one goes out.
final class ClaimAhead: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<[OutboxEntry], any Error>?
    private var waiter: CheckedContinuation<[OutboxEntry], any Error>?

    init(outbox: OutboxStore, now: Date, limit: Int) {
        Thread { [self] in
            let claimed = Result { try outbox.claimDue(now: now, limit: limit) }
            let w: CheckedContinuation<[OutboxEntry], any Error>? = lock.withLock {
                if let waiter { self.waiter = nil; return waiter }
                result = claimed
                return nil
            }
            w?.resume(with: claimed)
        }.start()
    }

    /// The claimed entries, once the claim is done (without holding a thread while it runs).
    func entries() async throws -> [OutboxEntry] {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<[OutboxEntry], any Error>) in
            let done: Result<[OutboxEntry], any Error>? = lock.withLock {
                if let result { return result }
                waiter = c
                return nil
            }
            if let done { c.resume(with: done) }
        }
    }
}

/// The counts of an enqueue running on a thread of its own, and whether it has finished.
final class EnqueueFeed: @unchecked Sendable {
    private let lock = NSLock()
    private var result: (PassSummary, (any Error)?)?
    private var cancelledFlag = false

    var isFinished: Bool { lock.withLock { result != nil } }
    var isCancelled: Bool { lock.withLock { cancelledFlag } }

    func cancel() { lock.withLock { cancelledFlag = true } }

    func finish(_ counts: PassSummary, _ error: (any Error)?) { lock.withLock { result = (counts, error) } }

    /// Waits (without holding a thread) until the enqueue has finished.
    func wait() async throws -> (PassSummary, (any Error)?) {
        while true {
            if let r = lock.withLock({ result }) { return r }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
    }
}
