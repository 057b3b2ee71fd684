// The states of an outbox entry.
import Foundation

/// Where an outbox entry stands. `sent`, `failed`, `expired` and `suppressed` are final.
public enum OutboxState: String, Sendable, Codable, CaseIterable {
    case queued, sending, sent, failed, expired, suppressed

    public var isFinal: Bool {
        switch self {
        case .queued, .sending: return false
        case .sent, .failed, .expired, .suppressed: return true
        }
    }
}
