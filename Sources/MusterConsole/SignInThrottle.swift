// How failed sign-ins are slowed: per client address, exponentially, and in total, as a pure state machine.
import Foundation

/// Decides whether a sign-in attempt is checked at all, and how long a failure is held back.
///
/// | event                                   | then                                                         |
/// |-----------------------------------------|--------------------------------------------------------------|
/// | attempt from A before A's `nextAllowed`, | refused unchecked (429, `Retry-After`)                       |
/// |   or while another from A is checked     |                                                              |
/// | attempt while `globalFailures` in the   | refused unchecked for everyone until the window frees: an    |
/// |   last `window` reach `globalCap`       |   attacker with many addresses gets `globalCap` guesses a    |
/// |                                         |   minute; a signed-in organiser keeps their session          |
/// | failure number n from A (within         | held back `min(base * 2^(n-1), maxDelay)`, and A may try     |
/// |   `forget` of A's previous one)         |   again only after that                                      |
/// | success from A                          | A's failures forgotten                                       |
///
/// Addresses are kept at most `maxAddresses`; beyond that the one failed longest ago is forgotten.
public struct SignInThrottle: Sendable {
    public enum Decision: Equatable, Sendable {
        case check
        case wait(seconds: Int)
    }

    public var base: TimeInterval = 1
    public var maxDelay: TimeInterval = 60
    public var forget: TimeInterval = 15 * 60
    public var window: TimeInterval = 60
    public var globalCap = 30
    public var maxAddresses = 10_000

    struct Record { var failures: Int; var last: Date; var nextAllowed: Date }
    private var byAddress: [String: Record] = [:]
    private var recentFailures: [Date] = []
    /// Addresses with a check under way: one at a time each, so that parallel guesses gain nothing.
    private var checking: Set<String> = []

    public init() {}

    /// Whether an attempt from `address` at `now` may be checked; `.check` counts it as under way until
    /// `failed` or `succeeded` is called for the address.
    public mutating func admit(_ address: String, now: Date) -> Decision {
        recentFailures.removeAll { now.timeIntervalSince($0) >= window }
        if checking.contains(address) { return .wait(seconds: Int(base.rounded(.up))) }
        if let r = byAddress[address], now < r.nextAllowed {
            return .wait(seconds: Int(r.nextAllowed.timeIntervalSince(now).rounded(.up)))
        }
        if recentFailures.count >= globalCap, let first = recentFailures.first {
            return .wait(seconds: max(1, Int(first.addingTimeInterval(window).timeIntervalSince(now).rounded(.up))))
        }
        checking.insert(address)
        return .check
    }

    /// Records a failed check; returns how long to hold the answer back and the address's failure count.
    public mutating func failed(_ address: String, now: Date) -> (delay: TimeInterval, failures: Int) {
        checking.remove(address)
        recentFailures.append(now)
        var r = byAddress[address] ?? Record(failures: 0, last: now, nextAllowed: now)
        if now.timeIntervalSince(r.last) >= forget { r.failures = 0 }
        r.failures += 1
        r.last = now
        let delay = min(base * pow(2, Double(min(r.failures - 1, 30))), maxDelay)
        r.nextAllowed = now.addingTimeInterval(delay)
        byAddress[address] = r
        if byAddress.count > maxAddresses, let oldest = byAddress.min(by: { $0.value.last < $1.value.last }) {
            byAddress[oldest.key] = nil
        }
        return (delay, r.failures)
    }

    /// A right password: the address starts afresh.
    public mutating func succeeded(_ address: String) {
        checking.remove(address)
        byAddress[address] = nil
    }
}
