// The `mail.rate` setting and the token bucket that enforces it across SMTP connections.
import Foundation
import MusterCore

/// A token bucket, pure: `take(now:)` reserves a token and says how long to wait before using it.
///
/// With `30/minute` and the default burst of 1, the first message goes at once and each next one
/// 2 seconds after the previous: `take` at t=0 → 0, again at t=0 → 2, again at t=0 → 4, at t=10 → 0.
public struct TokenBucket: Sendable, Hashable {
    public let capacity: Double
    public let perSecond: Double
    public private(set) var tokens: Double
    public private(set) var last: Date

    public init(rate: RateLimit, burst: Int = 1, now: Date) {
        capacity = Double(max(1, burst))
        perSecond = rate.perSecond
        tokens = capacity
        last = now
    }

    /// Reserves one token; returns the seconds to wait (0 when one was ready). Tokens may go below
    /// zero: each reservation queues behind the previous ones.
    public mutating func take(now: Date) -> TimeInterval {
        let elapsed = max(0, now.timeIntervalSince(last))
        tokens = min(capacity, tokens + elapsed * perSecond)
        last = max(last, now)
        tokens -= 1
        return tokens >= 0 ? 0 : -tokens / perSecond
    }
}

/// A token bucket shared by worker threads: `wait()` blocks the calling thread until its turn.
final class RateGate: @unchecked Sendable {
    private let lock = NSLock()
    private var bucket: TokenBucket

    init(_ rate: RateLimit) {
        bucket = TokenBucket(rate: rate, now: Date())
    }

    func wait() {
        lock.lock()
        let delay = bucket.take(now: Date())
        lock.unlock()
        if delay > 0 { Thread.sleep(forTimeInterval: delay) }
    }
}
