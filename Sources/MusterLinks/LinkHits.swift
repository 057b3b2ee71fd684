// How often the links in messages were opened and used, by purpose, since `muster run` started.
import Foundation
import NIOConcurrencyHelpers

/// Requests to the links listener's link routes, counted by purpose (`unsubscribe`, `voted`, `rsvp`,
/// `mark_voted`), method (`GET`, a page; `POST`, an act; `other`) and the answer's status class
/// (`2xx`, `3xx`, `4xx`, `5xx`). Nothing about the member or the token is kept: a count per
/// combination, in memory, read by the console's /metrics (`muster_link_hits_total`).
///
/// Counted in memory, not in the database: a GET changes nothing in the database (a mail scanner
/// fetching every link must not turn into writes that compete with delivery for SQLite's one
/// writer), and a Prometheus counter may start again from 0 when the process does. What the POSTs
/// did is in the database anyway (suppressions, `voted_at`, registrations).
///
///     let hits = LinkHits()
///     hits.record(path: "/u/AbC...", method: "POST", status: 200)
///     hits.counts   // [Key(purpose: "unsubscribe", method: "POST", status: "2xx"): 1]
public final class LinkHits: Sendable {
    public struct Key: Sendable, Hashable, Comparable {
        public var purpose: String
        public var method: String
        public var status: String

        public init(purpose: String, method: String, status: String) {
            self.purpose = purpose; self.method = method; self.status = status
        }

        public static func < (a: Key, b: Key) -> Bool {
            (a.purpose, a.method, a.status) < (b.purpose, b.method, b.status)
        }
    }

    private let box = NIOLockedValueBox<[Key: Int]>([:])

    public init() {}

    /// Every combination seen so far, with its count.
    public var counts: [Key: Int] { box.withLockedValue { $0 } }

    /// Counts a request to `path` if it is one of the link routes (`/u/TOKEN`, `/v/...`, `/r/...`, `/m/...`).
    public func record(path: String, method: String, status: Int) {
        guard let purpose = Self.purpose(path: path) else { return }
        let m = switch method { case "GET", "HEAD": "GET"; case "POST": "POST"; default: "other" }
        let key = Key(purpose: purpose.description, method: m, status: "\(min(max(status / 100, 1), 5))xx")
        box.withLockedValue { $0[key, default: 0] += 1 }
    }

    /// The purpose a link route serves, from its first path segment; nil for any other path.
    static func purpose(path: String) -> LinkPurpose? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].isEmpty, !parts[2].isEmpty else { return nil }
        switch parts[1] {
        case "u": return .unsubscribe
        case "v": return .voted
        case "r": return .rsvp
        case "m": return .markVoted
        default: return nil
        }
    }
}
