// Noticing rows written by other programs: `PRAGMA data_version` on a connection of its own, then the change log.
import Foundation
import MusterStore

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

    private let reader: ChangeLogReader
    private let lock = NSLock()
    private var version: Int64?
    private var seen: Int64

    /// Opens a read-only connection to `path`; changes logged before `after` are not reported.
    public init(path: String, after: Int64) throws {
        reader = try ChangeLogReader(path: path)
        seen = after
    }

    /// The changes since the last call, or nil when no other connection has committed since then.
    public func poll() throws -> DistrictChanges? {
        lock.lock(); defer { lock.unlock() }
        let now = try reader.dataVersion()
        if now == version { return nil }
        version = now
        let changes = Self.changes(in: try reader.page(after: seen, limit: Self.memberLimit * 4), after: seen)
        seen = changes.through
        return changes
    }

    /// What a page of the change log means for planning: the members it names, in order of first
    /// change, or everything when it names an event, ballot or workplace, more members than
    /// `memberLimit`, or more entries than one page holds.
    static func changes(in page: ChangeLog.Page, after: Int64) -> DistrictChanges {
        var c = DistrictChanges(through: after)
        var members = Set<Int64>()
        for entry in page.entries {
            c.through = entry.seq
            if entry.kind == "member", let id = entry.ref {
                if members.insert(id).inserted { c.members.append(id) }
            } else {
                c.everything = true
            }
        }
        if let latest = page.latestWhenFull {
            // More waiting than one look reads: take it all as "everything".
            c.everything = true
            c.through = latest
        }
        if members.count > memberLimit { c.everything = true }
        return c
    }
}
