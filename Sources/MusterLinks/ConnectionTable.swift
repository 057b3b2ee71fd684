// The links listener's open connections: a cap, and room made by closing the oldest that is in no request.
import Foundation
import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Every open links connection, with whether it is in a request. Shared by the connections' handlers
/// (on their event loops) and the accepting side, under a lock.
///
/// When the listener holds `maxConnections`, the accepting side stops accepting (new connections wait in
/// the kernel's backlog) and closes the connection that has been out of any request the longest (a
/// client that connected and sent no head, or a kept-alive one gone quiet) once that has lasted
/// `closeForRoomAfter`; its close lets the next connection in. So a few hundred slow clients cannot shut
/// out a browser, a mail client's one-click or `/healthz`: a connection that sends its request at once is
/// in a request before it could be chosen.
final class ConnectionTable: Sendable {
    private struct Entry {
        let channel: any Channel
        var evictable: Bool
        /// When it last became evictable.
        var since: ContinuousClock.Instant
    }

    private struct State {
        var entries: [ObjectIdentifier: Entry] = [:]
        var closedToMakeRoom = 0
        var lastReport: ContinuousClock.Instant?
        var retryScheduled = false
    }

    private let state = NIOLockedValueBox(State())
    private let logger: Logger

    init(logger: Logger) { self.logger = logger }

    var count: Int { state.withLockedValue { $0.entries.count } }

    func opened(_ channel: any Channel) {
        state.withLockedValue { $0.entries[ObjectIdentifier(channel)] = Entry(channel: channel, evictable: true, since: .now) }
    }

    func closed(_ channel: any Channel) {
        _ = state.withLockedValue { $0.entries.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    func setEvictable(_ channel: any Channel, _ evictable: Bool) {
        state.withLockedValue { s in
            let id = ObjectIdentifier(channel)
            guard var e = s.entries[id], e.evictable != evictable else { return }
            e.evictable = evictable
            if evictable { e.since = .now }
            s.entries[id] = e
        }
    }

    /// Makes room for one connection: closes the connection out of any request the longest, once it has
    /// been so for `minimumIdle` (sooner, and a client reconnecting at once would make the listener spin);
    /// when the oldest is younger, tries again when it comes of age. Does nothing when every connection is
    /// in a request: then the next one waits for a close. A closed connection leaves the table when its
    /// handler sees it close, and its close lets Hummingbird accept the next.
    func makeRoom(minimumIdle: Duration) {
        enum Step { case close(any Channel, report: Int?), retry(any Channel, after: Duration), wait }
        let step = state.withLockedValue { s -> Step in
            guard !s.retryScheduled,
                  let (id, e) = s.entries.filter({ $0.value.evictable }).min(by: { $0.value.since < $1.value.since })
            else { return .wait }
            let now = ContinuousClock.now
            let age = now - e.since
            if age < minimumIdle {
                s.retryScheduled = true
                return .retry(e.channel, after: minimumIdle - age)
            }
            s.entries[id]?.evictable = false   // chosen once
            s.closedToMakeRoom += 1
            if let last = s.lastReport, now - last < .seconds(60) { return .close(e.channel, report: nil) }
            s.lastReport = now
            defer { s.closedToMakeRoom = 0 }
            return .close(e.channel, report: s.closedToMakeRoom)
        }
        switch step {
        case .close(let victim, let report):
            if let report {
                logger.warning("links=full connections=\(count) closed_idle=\(report) reason=\"at the connection cap: closing the connections that sent no request the longest\"")
            }
            // Later, on its own loop: never inside Hummingbird's accept gate, which is asking us now.
            victim.eventLoop.execute { victim.close(promise: nil) }
        case .retry(let channel, let after):
            channel.eventLoop.scheduleTask(in: .nanoseconds(after.nanoseconds)) { [self] in
                state.withLockedValue { $0.retryScheduled = false }
                makeRoom(minimumIdle: minimumIdle)
            }
        case .wait:
            break
        }
    }
}

/// Hummingbird's gate on accepting: counts connections as they are accepted and closed (on the listening
/// channel's event loop) and, at the cap, refuses the next accept and makes room through the table.
struct ConnectionCap: AvailableConnectionsDelegate {
    let limits: ListenerLimits
    let table: ConnectionTable
    private var accepted = 0

    init(limits: ListenerLimits, table: ConnectionTable) {
        self.limits = limits
        self.table = table
    }

    mutating func connectionOpened() { accepted += 1 }
    mutating func connectionClosed() { accepted -= 1 }

    func isAcceptingNewConnections() -> Bool {
        if accepted < limits.maxConnections { return true }
        // Full: accept nothing now; the close of the connection chosen calls this again, and it will be true.
        table.makeRoom(minimumIdle: limits.closeForRoomAfter)
        return false
    }
}
