// What time it is, for code that runs over time rather than at one given instant.
import Foundation

/// A source of "now" for the long-running parts (the daemon's loop); a pass itself takes `now` as
/// an argument. `ServiceClock` is the wall clock, possibly shifted; `ManualClock` is moved by a test.
public protocol MusterClock: Sendable {
    func now() -> Date
    /// Suspends until this clock reads `deadline` or later; throws `CancellationError` when the task
    /// is cancelled first. The wall clock sleeps; a `ManualClock` waits for a test to advance it.
    func sleep(until deadline: Date) async throws
}

extension MusterClock {
    /// Sleeps for the wall-clock time between now and `deadline` (at least a millisecond).
    public func sleep(until deadline: Date) async throws {
        let ms = Int64((max(0, deadline.timeIntervalSince(now())) * 1000).rounded(.up))
        try await Task.sleep(for: .milliseconds(max(ms, 1)))
    }
}
