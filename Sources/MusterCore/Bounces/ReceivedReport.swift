// What a bounce or a complaint says: RFC 3464 delivery status notifications and RFC 5965 feedback reports.
import Foundation

/// A report read from a received message (`ReportParser.parse`), before it is matched to an outbox entry.
public struct ReceivedReport: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// `report-type=delivery-status`: one status per recipient.
        case delivery([RecipientStatus])
        /// `report-type=feedback-report`: the `Feedback-Type` (`abuse`, `fraud`, `not-spam`, ...), lowercased.
        case feedback(type: String)
    }

    public var kind: Kind
    /// The report's own `Message-ID` (to notice the same report read twice); nil when it has none.
    public var reportMessageID: String?
    /// The `Message-ID` of the message the report is about, from the returned headers.
    public var originalMessageID: String?
    /// Addresses that may carry a VERP token, in the order they are trusted: where the report was
    /// delivered (`Delivered-To`, `X-Original-To`, `Envelope-To`, `To`), then what the report says the
    /// envelope sender was (`X-Postfix-Sender`, `Original-Mail-From`, the returned `Return-Path`).
    public var tokenAddresses: [String] = []
    /// The original message's recipients as the report names them (`Final-Recipient`,
    /// `Original-Recipient`, `Original-Rcpt-To`, the returned `To`), lowercased.
    public var recipients: [String] = []

    public init(kind: Kind, reportMessageID: String? = nil, originalMessageID: String? = nil) {
        self.kind = kind; self.reportMessageID = reportMessageID; self.originalMessageID = originalMessageID
    }
}

/// One per-recipient block of a delivery status notification (RFC 3464 2.3).
public struct RecipientStatus: Sendable, Equatable {
    /// The address after `rfc822;`, lowercased.
    public var finalRecipient: String?
    public var originalRecipient: String?
    /// `failed`, `delayed`, `delivered`, `relayed` or `expanded`, lowercased.
    public var action: String
    /// `5.1.1`: the class, subject and detail digits only; nil when missing or not of that shape.
    public var status: String?
    /// The remote server's words (`smtp; 550 5.1.1 <...>: user unknown`), cleaned and cut to 300 characters.
    public var diagnostic: String?

    public init(finalRecipient: String? = nil, originalRecipient: String? = nil, action: String, status: String?, diagnostic: String? = nil) {
        self.finalRecipient = finalRecipient; self.originalRecipient = originalRecipient
        self.action = action; self.status = status; self.diagnostic = diagnostic
    }
}

/// What a report means for the member, decided from status classes, never from the prose.
///
/// | report                                           | class       |
/// |--------------------------------------------------|-------------|
/// | `Action: failed`, `Status: 5.x.x` (not 5.7.x)    | permanent: the address is suppressed |
/// | `Action: failed`, `Status: 5.7.x`                | transient: a policy refusal says more about the sender (DMARC, a block list) than the address |
/// | `Action: failed`, `Status: 4.x.x`; `Action: delayed` | transient: counted, `mail.soft_bounce_limit` of them suppress |
/// | `Action: delivered`, `relayed`, `expanded`       | none: nothing to do |
/// | `Feedback-Type: abuse` or `fraud`                | complaint: unsubscribed from every topic |
/// | other feedback types (`not-spam`, `virus`, `other`) | none |
///
/// With several recipients, the gravest wins (permanent over transient).
public enum BounceClass: String, Sendable, Hashable, CaseIterable {
    case permanent, transient, complaint
}

/// A class with what it rests on, or why there is none.
public struct BounceVerdict: Sendable, Equatable {
    public var bounceClass: BounceClass?
    /// `5.1.1`, or the feedback type for a complaint.
    public var status: String?
    public var diagnostic: String?
    /// The recipient the status is for, lowercased, when the report names one.
    public var recipient: String?
    /// Why nothing is to be done (`delivered`, `feedback type not-spam`), when `bounceClass` is nil.
    public var noAction: String?

    /// `5.1.1 smtp; 550 5.1.1 user unknown`: what outbox entries and suppressions keep.
    public var reason: String {
        [status, diagnostic].compactMap { $0 }.joined(separator: " ")
    }
}

extension ReceivedReport {
    public var verdict: BounceVerdict {
        switch kind {
        case .feedback(let type):
            if type == "abuse" || type == "fraud" {
                return BounceVerdict(bounceClass: .complaint, status: "complaint: \(type)", recipient: recipients.first)
            }
            return BounceVerdict(status: "feedback: \(type)", recipient: recipients.first, noAction: "feedback type \(type) is not a complaint")
        case .delivery(let statuses):
            var best: BounceVerdict?
            for s in statuses {
                let c = Self.classify(s)
                let v = BounceVerdict(bounceClass: c, status: s.status, diagnostic: s.diagnostic,
                                      recipient: s.finalRecipient ?? s.originalRecipient,
                                      noAction: c == nil ? "action \(s.action)\(s.status.map { " status \($0)" } ?? "")" : nil)
                if best == nil || Self.rank(c) > Self.rank(best!.bounceClass) { best = v }
            }
            return best ?? BounceVerdict(noAction: "no recipient status")
        }
    }

    static func rank(_ c: BounceClass?) -> Int {
        switch c {
        case .permanent?: 3
        case .complaint?: 2
        case .transient?: 1
        case nil: 0
        }
    }

    /// The class of one recipient's status (see `BounceClass`); nil when there is nothing to do or no
    /// status class to go by.
    public static func classify(_ s: RecipientStatus) -> BounceClass? {
        switch s.action {
        case "delayed": return .transient
        case "failed":
            guard let status = s.status else { return nil }
            if status.hasPrefix("4.") || status.hasPrefix("5.7.") { return .transient }
            if status.hasPrefix("5.") { return .permanent }
            return nil
        default: return nil
        }
    }
}

/// Why a message could not be read as a report. The text says what was found, never the content.
public enum ReportParseError: Error, Equatable, CustomStringConvertible {
    /// No header block at all: not a mail message (`muster bounce` exits 1).
    case notAMessage
    /// A message, but not a multipart/report of a kind muster reads.
    case notAReport(String)
    case tooDeep(Int)
    case tooManyParts(Int)
    /// A multipart/report without its second part (`message/delivery-status` or `message/feedback-report`).
    case noStatusPart(String)
    /// A delivery status with no per-recipient block carrying an `Action`.
    case noRecipients
    /// A feedback report without `Feedback-Type`.
    case noFeedbackType

    public var description: String {
        switch self {
        case .notAMessage: "not a mail message (no header fields)"
        case .notAReport(let t): "not a delivery status or feedback report (\(t))"
        case .tooDeep(let n): "MIME parts nested deeper than \(n)"
        case .tooManyParts(let n): "more than \(n) MIME parts"
        case .noStatusPart(let t): "a \(t) report without its status part"
        case .noRecipients: "a delivery status without any recipient's Action"
        case .noFeedbackType: "a feedback report without Feedback-Type"
        }
    }
}
