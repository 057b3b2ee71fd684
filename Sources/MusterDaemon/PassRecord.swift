// The last pass the daemon made, for the console's /metrics: how long it took and when it ended.
import Foundation

/// Written by the daemon after each pass, read by whoever reports on it. Shared across threads under a lock.
public final class PassRecord: @unchecked Sendable {
    public struct Last: Sendable, Equatable {
        public var seconds: Double
        public var at: Date
    }

    private let lock = NSLock()
    private var stored: Last?

    public init() {}

    public var last: Last? { lock.withLock { stored } }

    public func record(seconds: Double, at: Date) {
        lock.withLock { stored = Last(seconds: seconds, at: at) }
    }
}
