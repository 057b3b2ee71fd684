// How long a deferred message waits before its next attempt.
import Foundation

/// Backoff that grows with the message's time in the queue, as Postfix's qmgr does, clamped.
///
/// The n-th deferral waits `minimum * 2^(n-1)`, never more than `maximum`. With the defaults
/// (1 minute, 1 hour): 1 min, 2 min, 4 min, 8 min, 16 min, 32 min, then 1 hour for every later
/// attempt, until the message expires. So a relay that is down for a few minutes costs a few
/// minutes, and one that is down for a day is asked once an hour.
public struct RetryPolicy: Sendable, Hashable {
    public var minimum: TimeInterval
    public var maximum: TimeInterval

    public init(minimum: TimeInterval = 60, maximum: TimeInterval = 3600) {
        self.minimum = minimum; self.maximum = maximum
    }

    public static let standard = RetryPolicy()

    /// The wait after the `attempts`-th attempt (1 for the first) was deferred.
    public func delay(afterAttempt attempts: Int) -> TimeInterval {
        let n = max(1, attempts)
        if n > 40 { return maximum }
        return min(maximum, max(minimum, minimum * pow(2, Double(n - 1))))
    }
}
