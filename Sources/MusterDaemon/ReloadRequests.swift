// SIGHUP requests, counted until the daemon's loop takes them.
import Foundation

/// SIGHUP, as the daemon's loop sees it: a count of reloads asked for, taken on its next turn.
public final class ReloadRequests: @unchecked Sendable {
    private let lock = NSLock()
    private var pending = 0

    public init() {}

    public func request() {
        lock.lock(); defer { lock.unlock() }
        pending += 1
    }

    /// True (once) when a reload was asked for since the last call.
    public func take() -> Bool {
        lock.lock(); defer { lock.unlock() }
        defer { pending = 0 }
        return pending > 0
    }
}
