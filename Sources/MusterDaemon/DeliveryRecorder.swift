// Recording each message's result before its connection sends another: the RFC 1047 window, with group commit.
import Foundation
import Logging
import MusterCore
import MusterMail
import MusterStore

/// Records delivery results as a transport settles them, durably, one connection's message at a time.
///
/// A transport calls `settle` from the thread of the connection that got the final reply, and
/// sends nothing more on that connection until it returns. So when muster is killed, the messages
/// a server accepted but the outbox does not yet call `sent` are at most one per connection: the
/// RFC 1047 window that DESIGN.md promises, and the only messages `recover` can repeat.
///
/// Results arriving together from several connections are committed in one transaction (group
/// commit): the first waiting thread commits everything pending, the others wait for it and find
/// their result already recorded. With one connection that is one transaction a message; with
/// four, a commit usually carries the results of all four. The bound stays one per connection,
/// because no connection goes on before its own result is in a committed transaction.
///
///     let recorder = DeliveryRecorder(batch: entries, outbox: outbox, now: now, logger: logger)
///     await transport.send(messages, settle: recorder.settle)
///     recorder.results   // one per entry; nil where nothing was settled
final class DeliveryRecorder: @unchecked Sendable {
    let batch: [OutboxEntry]
    let outbox: OutboxStore
    let now: Date
    let logger: Logger

    private let condition = NSCondition()
    private var pending: [(index: Int, result: DeliveryResult)] = []
    /// Results handed in, and how many of them (in order) are committed.
    private var handedIn = 0
    private var committed = 0
    private var committing = false
    private var settled: [DeliveryResult?]
    private var error: (any Error)?

    init(batch: [OutboxEntry], outbox: OutboxStore, now: Date, logger: Logger) {
        self.batch = batch; self.outbox = outbox; self.now = now; self.logger = logger
        settled = Array(repeating: nil, count: batch.count)
    }

    /// The result of each entry of the batch once recorded; nil for those never settled.
    var results: [DeliveryResult?] { condition.withLock { settled } }

    /// The error that stopped recording, if any.
    var failure: (any Error)? { condition.withLock { error } }

    /// Records `result` for the batch's entry `index` and returns once it is committed (or throws
    /// when recording failed: then the transport takes no more messages).
    @Sendable func settle(_ index: Int, _ result: DeliveryResult) throws {
        condition.lock()
        defer { condition.unlock() }
        if let error { throw error }
        pending.append((index, result))
        handedIn += 1
        let mine = handedIn
        while committed < mine {
            if let error { throw error }
            if committing {
                condition.wait()
                continue
            }
            // Lead: commit everything handed in so far, outside the lock.
            committing = true
            let work = pending
            pending.removeAll(keepingCapacity: true)
            let through = handedIn
            condition.unlock()
            var failed: (any Error)?
            do {
                try outbox.record(work.map { (batch[$0.index].id, $0.result) }, now: now)
            } catch {
                failed = error
            }
            condition.lock()
            committing = false
            if let failed {
                error = failed
            } else {
                committed = through
                for w in work { settled[w.index] = w.result }
            }
            condition.broadcast()
            if failed == nil {
                condition.unlock()
                log(work)
                condition.lock()
            }
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
