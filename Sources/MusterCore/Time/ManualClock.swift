// A clock a test moves by hand, so that waiting for a retry or a quiet hour costs no sleep.
import Foundation

/// Reads the instant it was last set to until a test advances it.
///
///     let clock = ManualClock(ISOTime.parseInstant("2026-11-23T09:00:00Z")!)
///     clock.advance(by: 600)      // now() is 09:10
public final class ManualClock: MusterClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date) {
        current = start
    }

    public func now() -> Date {
        lock.lock(); defer { lock.unlock() }
        return current
    }

    /// Waits (looking every millisecond of real time) until a test has moved the clock to `deadline`.
    public func sleep(until deadline: Date) async throws {
        while now() < deadline {
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    /// Moves the clock forward by `seconds` (backward for a negative value).
    public func advance(by seconds: TimeInterval) {
        lock.lock(); defer { lock.unlock() }
        current = current.addingTimeInterval(seconds)
    }

    /// Sets the clock to `date`.
    public func set(_ date: Date) {
        lock.lock(); defer { lock.unlock() }
        current = date
    }
}
