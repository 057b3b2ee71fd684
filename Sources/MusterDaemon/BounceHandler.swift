// One received report (a bounce or a complaint) read, matched to its outbox entry and acted on, or kept aside.
import Foundation
import Logging
import MusterCore
import MusterLinks
import MusterStore

/// Handles the messages that `muster bounce` and the bounce mailbox bring in.
///
/// Reports are untrusted mail. Nothing changes for a member except through a VERP token that we
/// signed for bounces and that names an existing entry of that member, or through the Message-ID of
/// one of our messages together with that message's recipient named in the report (a Message-ID
/// alone may be guessed). Everything else is kept aside in `muster_bounces_unmatched` with the
/// reason; nothing here throws for bad input, only for a database that cannot be written.
///
///     let handler = BounceHandler(store: district.store, config: config, signer: signer, logger: logger)
///     switch try handler.handle(bytes, now: now) { case .acted(...), .nothingToDo, .keptAside, .notAMessage }
public struct BounceHandler: Sendable {
    public let bounces: BounceStore
    public let verp: VERP?
    public let limit: SoftBounceLimit
    public let logger: Logger

    public init(store: Store, config: Config, signer: LinkSigner?, logger: Logger) {
        bounces = BounceStore(store)
        verp = Envelope(config: config, signer: signer).verp
        let b = config.mail.bounces
        limit = SoftBounceLimit(limit: b.softBounceLimit, window: TimeInterval(b.softBounceWindowDays) * 86_400)
        self.logger = logger
    }

    public enum Handling: Sendable, Equatable {
        /// Matched and recorded (or recorded before: `.alreadyRecorded`).
        case acted(outboxID: Int64, bounceClass: BounceClass, outcome: BounceOutcome)
        /// A report that asks nothing of us (a delay cleared, `Action: delivered`, `not-spam`).
        case nothingToDo(String)
        /// Kept in `muster_bounces_unmatched` (its id) for this reason.
        case keptAside(id: Int64, reason: String)
        /// No header fields at all; nothing stored.
        case notAMessage
    }

    /// Reads `raw` (the whole message, or its first bytes when `size` says it was longer) and acts on it at `now`.
    public func handle(_ raw: [UInt8], size: Int? = nil, now: Date) throws -> Handling {
        let size = size ?? raw.count
        let report: ReceivedReport
        do {
            report = try ReportParser.parse(raw)
        } catch .notAMessage {
            logger.notice("bounce=not_a_message bytes=\(size)")
            return .notAMessage
        } catch {
            return try keepAside(raw, size: size, reason: error.description, now: now)
        }
        let verdict = report.verdict
        guard let bounceClass = verdict.bounceClass else {
            let why = verdict.noAction ?? "nothing to do"
            if why.hasPrefix("action failed") { return try keepAside(raw, size: size, reason: "\(why): no status class to go by", now: now) }
            logger.info("bounce=nothing_to_do reason=\"\(why)\"")
            return .nothingToDo(why)
        }
        let match = try self.match(report, verdict: verdict, now: now)
        guard case let .found(entry, by) = match else {
            guard case let .none(why) = match else { fatalError("unreachable") }
            return try keepAside(raw, size: size, reason: why, now: now)
        }
        let key = report.reportMessageID.map { "id:" + $0 } ?? "fnv:" + String(StableHash.fnv1a64(raw), radix: 16)
        let bounce = MatchedBounce(outboxID: entry.id, bounceClass: bounceClass, status: verdict.status,
                                   diagnostic: verdict.diagnostic, matchedBy: by, reportKey: key)
        let outcome = try bounces.record(bounce, limit: limit, now: now)
        switch outcome {
        case let .recorded(suppressed, softCount, stopped):
            logger.notice("outbox=\(entry.id) member=\(entry.memberID) bounce=\(bounceClass.rawValue) matched_by=\(by.rawValue) status=\(verdict.status ?? "-") suppressed=\(suppressed) soft_count=\(softCount) stopped=\(stopped)")
        case .alreadyRecorded:
            logger.info("outbox=\(entry.id) member=\(entry.memberID) bounce=\(bounceClass.rawValue) status=already_recorded")
        }
        return .acted(outboxID: entry.id, bounceClass: bounceClass, outcome: outcome)
    }

    enum Match {
        case found(OutboxEntry, MatchedBounce.MatchedBy)
        case none(String)
    }

    /// A valid token first; then the Message-ID with the recipient; else why neither worked.
    func match(_ report: ReceivedReport, verdict: BounceVerdict, now: Date) throws -> Match {
        var refusals: [String] = []
        if let verp {
            for address in report.tokenAddresses.prefix(20) {
                guard let token = verp.token(in: address) else { continue }
                do {
                    let (outboxID, memberID) = try verp.verify(token: token, now: now)
                    guard let entry = try bounces.entry(id: outboxID) else {
                        refusals.append("token names outbox entry \(outboxID), which does not exist"); continue
                    }
                    guard entry.memberID == memberID else {
                        refusals.append("token names outbox entry \(outboxID) of another member"); continue
                    }
                    return .found(entry, .token)
                } catch {
                    refusals.append("token \(error)")
                }
            }
        }
        if let id = report.originalMessageID {
            if let entry = try bounces.entry(messageID: id) {
                let named = Set(report.recipients + [verdict.recipient].compactMap { $0 })
                let address = (entry.recipient ?? "").lowercased()
                let feedbackWithoutRecipient: Bool = { if case .feedback = report.kind { return named.isEmpty } else { return false } }()
                if !address.isEmpty, named.contains(address) || feedbackWithoutRecipient {
                    return .found(entry, .messageID)
                }
                refusals.append("Message-ID is outbox entry \(entry.id)'s but the report does not name its recipient")
            } else {
                refusals.append("Message-ID is not one of ours")
            }
        } else {
            refusals.append("no Message-ID in the returned headers")
        }
        if verp == nil { refusals.insert("no mail.bounce_address, so no token checked", at: 0) }
        else if !refusals.contains(where: { $0.hasPrefix("token") }) { refusals.insert("no VERP token", at: 0) }
        var seen: Set<String> = []
        return .none("unmatched: " + refusals.filter { seen.insert($0).inserted }.joined(separator: "; "))
    }

    func keepAside(_ raw: [UInt8], size: Int, reason: String, now: Date) throws -> Handling {
        let id = try bounces.keepAside(raw: raw, size: size, reason: reason, now: now)
        logger.notice("bounce=kept_aside unmatched=\(id) bytes=\(size) reason=\"\(reason.replacingOccurrences(of: "\"", with: "'"))\"")
        return .keptAside(id: id, reason: reason)
    }
}
