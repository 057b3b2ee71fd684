// Noticing rows written by other programs: `PRAGMA data_version` on a connection of its own, then the change log.
import Foundation
import GRDB

/// What changed in the district since the last look.
public struct DistrictChanges: Sendable, Equatable {
    /// Members whose rows (or registrations, ballot places, rep roles) changed, in order of first change.
    public var members: [Int64] = []
    /// True when something that can concern many members changed (an event, a ballot, a workplace),
    /// or more members than `DataWatcher.memberLimit`: plan everything.
    public var everything = false
    /// The change log's latest `seq` these changes cover.
    public var through: Int64 = 0

    public init(members: [Int64] = [], everything: Bool = false, through: Int64 = 0) {
        self.members = members; self.everything = everything; self.through = through
    }

    public var isEmpty: Bool { members.isEmpty && !everything }
}

/// Watches the database for commits by other connections.
///
/// `PRAGMA data_version` is per connection: it changes when *another* connection commits. So the
/// watcher keeps a read-only connection of its own, which never writes, and asks it on every poll:
/// a few microseconds, no file read beyond the WAL index. Only when the number moved does it read
/// the change log (`muster_changes`) for entries after the last it saw. The daemon's own outbox
/// writes move `data_version` too; they add nothing to the change log, so they cost one indexed
/// query and plan nothing.
///
///     let watcher = try DataWatcher(path: config.database)
///     if let changes = try watcher.poll(), !changes.isEmpty { ... plan changes.members ... }
public final class DataWatcher: @unchecked Sendable {
    /// Beyond this many changed members an incremental pass costs about what a full one does.
    public static let memberLimit = 5_000

    private let queue: DatabaseQueue
    private let lock = NSLock()
    private var version: Int64?
    private var seen: Int64

    /// Opens a read-only connection to `path`; changes logged before `after` are not reported.
    public init(path: String, after: Int64) throws {
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(30)
        config.label = "muster-watcher"
        queue = try DatabaseQueue(path: path, configuration: config)
        seen = after
    }

    /// The changes since the last call, or nil when no other connection has committed since then.
    public func poll() throws -> DistrictChanges? {
        lock.lock(); defer { lock.unlock() }
        let now = try queue.inDatabase { db in try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
        if now == version { return nil }
        version = now
        let after = seen
        let changes = try queue.read { db -> DistrictChanges in
            var c = DistrictChanges(through: after)
            var members = Set<Int64>()
            let rows = try Row.fetchCursor(db, sql: """
                SELECT seq, kind, ref FROM muster_changes WHERE seq > ? ORDER BY seq LIMIT ?
                """, arguments: [after, Self.memberLimit * 4])
            var count = 0
            while let row = try rows.next() {
                count += 1
                c.through = row[0]
                let kind: String = row[1]
                if kind == "member", let id: Int64 = row[2] {
                    if members.insert(id).inserted { c.members.append(id) }
                } else {
                    c.everything = true
                }
            }
            if count == Self.memberLimit * 4 {
                // More waiting than one look reads: take it all as "everything".
                c.everything = true
                c.through = try ChangeLog.latest(db)
            }
            if members.count > Self.memberLimit { c.everything = true }
            return c
        }
        seen = changes.through
        return changes
    }
}
