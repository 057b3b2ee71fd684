// Recording each message's result before its connection sends another (the RFC 1047 window): a
// journal line at once, the outbox in batches.
import Foundation
import Logging
import MusterCore
import MusterMail
import MusterStore

/// Records delivery results as a transport settles them: durably at once in the delivery journal,
/// and in the outbox a batch at a time.
///
/// A transport calls `settle` from the thread of the connection that got the final reply, and
/// sends nothing more on that connection until it returns. `settle` returns once the reply is a
/// line in the `DeliveryJournal` (one `write(2)`), so when muster is killed the messages a server
/// accepted but neither the journal nor the outbox holds are at most one per connection: the
/// RFC 1047 window that DESIGN.md promises, and the only messages `recover` can repeat.
///
/// The journaled results are folded into `muster_outbox` in one transaction every `foldEvery`
/// results (or once the oldest waiting is `foldAfter` seconds old) on a queue of the recorder's
/// own, while every connection goes on: a connection waits for a fold only when `maxPending`
/// results are already waiting behind the one in progress. `finish` folds the rest and empties
/// the journal. One commit a message (what this replaced) halved one connection's delivery rate;
/// folding on the settling thread (what the queue replaced) held its connection for each commit.
///
///     let recorder = try DeliveryRecorder(batch: entries, outbox: outbox, journal: journal, now: now, logger: logger)
///     await transport.send(messages, settle: recorder.settle)
///     try recorder.finish()
///     recorder.results   // one per entry; nil where nothing was settled
final class DeliveryRecorder: @unchecked Sendable {
    let batch: [OutboxEntry]
    let outbox: OutboxStore
    let journal: DeliveryJournal
    let now: Date
    let logger: Logger
    /// Results folded into the outbox in one transaction.
    let foldEvery: Int
    /// Seconds a journaled result waits at most for its fold (checked as results arrive).
    let foldAfter: Double
    /// Results that may wait while a fold is in progress before a settling connection waits too.
    var maxPending: Int { 4 * foldEvery }
    private let folder = DispatchQueue(label: "muster.delivery-fold")

    private let condition = NSCondition()
    private var pending: [(index: Int, result: DeliveryResult)] = []
    private var oldestPending: UInt64 = 0
    private var folding = false
    private var settled: [DeliveryResult?]
    private var error: (any Error)?

    init(batch: [OutboxEntry], outbox: OutboxStore, journal: DeliveryJournal, now: Date, logger: Logger,
         foldEvery: Int = 256, foldAfter: Double = 0.5) {
        self.batch = batch; self.outbox = outbox; self.journal = journal; self.now = now; self.logger = logger
        self.foldEvery = foldEvery; self.foldAfter = foldAfter
        settled = Array(repeating: nil, count: batch.count)
    }

    /// The result of each entry of the batch once journaled; nil for those never settled.
    var results: [DeliveryResult?] { condition.withLock { settled } }

    /// The error that stopped recording, if any.
    var failure: (any Error)? { condition.withLock { error } }

    /// Journals `result` for the batch's entry `index` and returns once the line is written. It
    /// throws when recording failed (the journal could not be written, or an earlier fold into the
    /// outbox failed): then the transport takes no more messages. Every `foldEvery` results a fold
    /// starts on the recorder's queue.
    @Sendable func settle(_ index: Int, _ result: DeliveryResult) throws {
        condition.lock()
        defer { condition.unlock() }
        do {
            try journal.append(.init(id: batch[index].id, now: now, result: result))
        } catch {
            if self.error == nil { self.error = error }
            throw error
        }
        settled[index] = result
        // A fold that failed stops the transport; this result is journaled, so `recover` has it.
        if let error { throw error }
        let clock = DispatchTime.now().uptimeNanoseconds
        if pending.isEmpty { oldestPending = clock }
        pending.append((index, result))
        while folding && pending.count >= maxPending && error == nil { condition.wait() }
        if let error { throw error }
        let due = pending.count >= foldEvery || Double(clock &- oldestPending) / 1e9 >= foldAfter
        if due && !folding { startFold() }
    }

    /// Folds everything still waiting into the outbox and empties the journal. Call once the
    /// transport's `send` has returned.
    func finish() throws {
        condition.lock()
        defer { condition.unlock() }
        while folding { condition.wait() }
        if error == nil && !pending.isEmpty {
            startFold()
            while folding { condition.wait() }
        }
        if let error { throw error }
        do {
            try journal.clear()
        } catch {
            self.error = error
            throw error
        }
    }

    /// Starts folding what is pending on the recorder's queue (the lock is held on entry and on
    /// return); its failure is kept in `error` for the next `settle` or `finish` to throw.
    private func startFold() {
        folding = true
        let work = pending
        pending.removeAll(keepingCapacity: true)
        folder.async { [self] in
            let failed = commit(work)
            condition.lock()
            folding = false
            if let failed, error == nil { error = failed }
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Records `work` in the outbox and logs it; the error, if it could not.
    private func commit(_ work: [(index: Int, result: DeliveryResult)]) -> (any Error)? {
        do {
            try outbox.record(claimed: work.map { (batch[$0.index], $0.result) }, now: now)
            log(work)
            return nil
        } catch {
            return error
        }
    }

    /// One line a result: ids, state, attempt and the reply (addresses removed), never bodies.
    private func log(_ work: [(index: Int, result: DeliveryResult)]) {
        for (index, result) in work {
            let entry = batch[index]
            let status = switch result {
            case .sent: "sent"
            case .deferred: "deferred"
            case .failed: "failed"
            }
            logger.info("outbox=\(entry.id) member=\(entry.memberID) rule=\(entry.rule) step=\(entry.step) status=\(status) attempt=\(entry.attempts + 1) reply=\"\(Engine.logSafe(result.reply))\"")
        }
    }
}
