// One row of `muster_outbox`, and what goes in to make one.
import Foundation
import GRDB
import MusterCore

/// A message to enqueue: the occurrence it comes from and its rendered bytes.
public struct NewOutboxEntry: Sendable, Hashable {
    public var occurrence: Occurrence
    /// The envelope recipient; nil when the member has no address (then `suppressedReason` says why).
    public var recipient: String?
    /// `<...@domain>`, as in the message's header (`MIMEMessage.messageID(forKey:domain:)`).
    public var messageID: String
    /// The message, byte for byte as it will be sent; nil for an entry that goes in suppressed.
    public var message: Data?
    /// When set, the entry goes in as `suppressed` with this reason and is never sent.
    public var suppressedReason: String?
    /// When set, the entry goes in as `failed` with this reason (a row that cannot make a message).
    public var failedReason: String?
    /// The first attempt waits until then (quiet hours); nil: at the occurrence's due time.
    public var notBefore: Date?
    /// The reason kept with a queued entry (`member limit` for one the limits moved); nil: none.
    public var note: String?

    public init(
        occurrence: Occurrence, recipient: String?, messageID: String, message: Data?,
        suppressedReason: String? = nil, failedReason: String? = nil, notBefore: Date? = nil
    ) {
        self.occurrence = occurrence; self.recipient = recipient; self.messageID = messageID
        self.message = message; self.suppressedReason = suppressedReason; self.failedReason = failedReason
        self.notBefore = notBefore
    }

    /// The state the entry goes in with.
    public var initialState: OutboxState {
        if failedReason != nil { return .failed }
        if suppressedReason != nil { return .suppressed }
        return .queued
    }
}

/// An outbox entry as stored.
public struct OutboxEntry: Sendable, Hashable {
    public var id: Int64
    public var dedupeKey: String
    public var rule: String
    public var step: Int
    public var memberID: Int64
    public var eventID: Int64?
    public var ballotID: Int64?
    public var occurrence: String
    public var topic: String
    public var state: OutboxState
    public var dueAt: Date
    public var expiresAt: Date?
    public var nextAttemptAt: Date
    public var attempts: Int
    public var messageID: String
    public var recipient: String?
    /// Nil in summaries (`recentFailures`), which leave the bytes out.
    public var message: Data?
    public var lastReply: String?
    public var reason: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var sentAt: Date?

    /// What the pure transition needs.
    public var status: OutboxEntryStatus {
        OutboxEntryStatus(state: state, attempts: attempts, createdAt: createdAt, expiresAt: expiresAt)
    }

    static let columns = """
        id, dedupe_key, rule, step, member_id, event_id, ballot_id, occurrence, topic, state, due_at,
        expires_at, next_attempt_at, attempts, message_id, recipient, last_reply, reason, created_at,
        updated_at, sent_at
        """

    /// An entry from a row of `SELECT \(columns)` (then `message` when `withMessage`). Columns are
    /// read by position: looking them up by name lower-cases every name for every row, which was
    /// a tenth of a delivery's CPU time.
    init(row: Row, withMessage: Bool) {
        func date(_ i: Int) -> Date { ISOTime.parseInstant(row[i] as String? ?? "") ?? Date(timeIntervalSince1970: 0) }
        func optDate(_ i: Int) -> Date? { (row[i] as String?).flatMap(ISOTime.parseInstant) }
        id = row[0]; dedupeKey = row[1]; rule = row[2]; step = row[3]
        memberID = row[4]; eventID = row[5]; ballotID = row[6]
        occurrence = row[7]; topic = row[8]
        state = OutboxState(rawValue: row[9]) ?? .queued
        dueAt = date(10); expiresAt = optDate(11); nextAttemptAt = date(12)
        attempts = row[13]; messageID = row[14]; recipient = row[15]
        lastReply = row[16]; reason = row[17]
        createdAt = date(18); updatedAt = date(19); sentAt = optDate(20)
        message = withMessage ? row[21] : nil
    }
}

/// How many entries of one rule are in one state (`muster status`).
public struct OutboxCount: Sendable, Hashable {
    public var rule: String
    public var state: OutboxState
    public var count: Int
    public init(rule: String, state: OutboxState, count: Int) { self.rule = rule; self.state = state; self.count = count }
}
