// The district `muster run` works with now: replaced when SIGHUP reloads it, read by the console.
import Foundation

/// One holder for the district that the daemon's loop and the console both read: the daemon puts
/// each district a SIGHUP reload accepted, the console reads it afresh for every request, so its
/// pages and /metrics show the rules, templates and settings that are being sent, not those of the
/// start. A reload that is refused changes nothing here.
///
///     let live = LiveDistrict(district)
///     settings.live = live                       // the daemon publishes its reloads
///     makeConsoleApplication(district: live, ...) // the console reads them
public final class LiveDistrict: @unchecked Sendable {
    private let lock = NSLock()
    private var current: District
    private var count = 0

    public init(_ district: District) { current = district }

    /// The district as last loaded.
    public var district: District { lock.withLock { current } }

    /// The district, and how many reloads have replaced it (0 for the one the daemon started with):
    /// what the console's caches key on.
    public var versioned: (district: District, generation: Int) { lock.withLock { (current, count) } }

    /// Replaces it (the daemon, after a reload that passed its checks).
    public func replace(with district: District) {
        lock.withLock { current = district; count += 1 }
    }
}
