// The daemon's clock: the wall clock, or the wall clock shifted to start at a chosen instant (tests, benchmarks).
import Foundation

/// What time the daemon thinks it is.
///
/// `ServiceClock()` is the wall clock. `ServiceClock(startingAt: t)` reads `t` at creation and then
/// runs at the wall clock's pace (`muster run --now T`): retries and quiet hours still come due,
/// and a test can pick an instant at which its messages are due.
public struct ServiceClock: MusterClock {
    /// Added to the wall clock.
    public let offset: TimeInterval

    public init(startingAt start: Date? = nil) {
        offset = start.map { $0.timeIntervalSinceNow } ?? 0
    }

    public func now() -> Date { Date().addingTimeInterval(offset) }
}
