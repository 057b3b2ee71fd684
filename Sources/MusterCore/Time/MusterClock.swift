// What time it is, for code that runs over time rather than at one given instant.
import Foundation

/// A source of "now" for the long-running parts (the daemon's loop); a pass itself takes `now` as
/// an argument. `ServiceClock` is the wall clock, possibly shifted; `ManualClock` is moved by a test.
public protocol MusterClock: Sendable {
    func now() -> Date
}
