// The class of a relay's reply, as /metrics counts delivery attempts: 2xx, 4xx, 5xx, or no reply code at all.
import Foundation

/// A delivery attempt's reply by its first digit: `2xx` (taken), `4xx` (try later), `5xx` (refused),
/// `other` (no SMTP code: a refused or dropped connection, a timeout, a reply left hanging).
///
///     ReplyClass(reply: "250 2.0.0 Ok: queued")          // .success
///     ReplyClass(reply: "connection refused (curl 7)")   // .other
///
/// The raw values are /metrics' `class` label; `DeliveryAttempts.classSQL` is the same rule in SQL.
public enum ReplyClass: String, Sendable, CaseIterable, Hashable {
    case success = "2xx", transient = "4xx", permanent = "5xx", other

    public init(reply: String?) {
        switch reply?.utf8.first {
        case UInt8(ascii: "2")?: self = .success
        case UInt8(ascii: "4")?: self = .transient
        case UInt8(ascii: "5")?: self = .permanent
        default: self = .other
        }
    }
}
