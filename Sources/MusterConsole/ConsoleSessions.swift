// Signed-in organisers: a random id in a cookie, a CSRF token each, forgotten after idle time.
import Crypto
import Foundation
import MusterLinks
import NIOConcurrencyHelpers

/// One signed-in browser. `id` goes in the cookie; `csrf` in every POST form; `number` in logs.
public struct ConsoleSession: Sendable, Equatable {
    /// 32 random bytes, base64url: the cookie's value. Never logged.
    public let id: String
    /// 32 random bytes, base64url: the hidden field of every form.
    public let csrf: String
    /// A small counter for log lines (`session=3`), which says nothing about the id.
    public let number: Int
    public var lastSeen: Date
}

/// The sessions in memory (a restart signs everyone out, which is the safe side).
///
/// A session unused for `idle` is gone: the next request with its cookie is treated as signed out.
/// At most `maxSessions` are kept; a new one beyond that pushes out the least recently used.
public final class ConsoleSessions: Sendable {
    public static let cookieName = "muster_console"
    public let idle: TimeInterval
    let maxSessions: Int
    private struct State { var byID: [String: ConsoleSession] = [:]; var issued = 0 }
    private let state = NIOLockedValueBox(State())

    public init(idle: TimeInterval = 30 * 60, maxSessions: Int = 64) {
        self.idle = idle; self.maxSessions = maxSessions
    }

    /// A new session, seen at `now`.
    public func create(now: Date) -> ConsoleSession {
        state.withLockedValue { s in
            s.byID = s.byID.filter { now.timeIntervalSince($0.value.lastSeen) < idle }
            if s.byID.count >= maxSessions, let oldest = s.byID.min(by: { $0.value.lastSeen < $1.value.lastSeen }) {
                s.byID[oldest.key] = nil
            }
            s.issued += 1
            let session = ConsoleSession(id: Self.randomToken(), csrf: Self.randomToken(), number: s.issued, lastSeen: now)
            s.byID[session.id] = session
            return session
        }
    }

    /// The live session with cookie value `id`, marked seen at `now`; nil (and forgotten) when idle too long.
    public func find(_ id: String, now: Date) -> ConsoleSession? {
        state.withLockedValue { s in
            guard var session = s.byID[id] else { return nil }
            guard now.timeIntervalSince(session.lastSeen) < idle else {
                s.byID[id] = nil
                return nil
            }
            session.lastSeen = now
            s.byID[id] = session
            return session
        }
    }

    /// Signs the session out.
    public func end(_ id: String) {
        _ = state.withLockedValue { $0.byID.removeValue(forKey: id) }
    }

    /// 32 bytes from the system's secure generator, base64url without padding (43 characters).
    static func randomToken() -> String {
        var g = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &g) }
        return Base64URL.encode(bytes)
    }
}
