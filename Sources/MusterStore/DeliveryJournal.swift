// The delivery journal: one line a final reply, written before the connection sends its next message.
import Foundation
import MusterCore

/// An append-only file beside the database (`muster.sqlite-deliveries`) that holds each message's
/// final reply from the moment it arrives until the outbox has it.
///
/// Recording a reply in SQLite costs a transaction (about 130 µs on the VM we measure on); writing
/// one line to this file costs one `write(2)` (a few µs), and a line the kernel has taken survives a
/// `kill -9` of muster. So a connection journals its reply, goes on with the next message, and
/// `DeliveryRecorder` folds the journaled replies into `muster_outbox` in batches. After a crash,
/// `recover` replays the journal into the outbox before putting what is left `sending` back in the
/// queue: the only messages that can repeat are those whose reply was not yet journaled, at most one
/// per connection (the RFC 1047 window of DESIGN.md).
///
/// Against a kill the bound is exact. Against a power cut the file is not synced, so the replies not
/// yet folded (the fold in progress and those waiting behind it) can be lost as well (they repeat,
/// never vanish: their entries are still `sending` in the outbox, which SQLite did sync).
///
/// A line: `v1 ID MILLIS KIND FLAG REPLY` with KIND `S`ent, `D`eferred or `F`ailed, FLAG 1 for a
/// transport found down or an unknown user, and REPLY with `%`, CR and LF percent-escaped. The file
/// is owner-only (0600): it carries outbox ids and replies with addresses already removed.
public final class DeliveryJournal: @unchecked Sendable {
    /// One journaled reply.
    public struct Record: Sendable, Equatable {
        public var id: Int64
        /// The `now` of the pass that sent it (retries and `sent_at` are reckoned from it).
        public var now: Date
        public var result: DeliveryResult

        public init(id: Int64, now: Date, result: DeliveryResult) {
            self.id = id; self.now = now; self.result = result
        }
    }

    public let path: String
    private let fd: Int32

    /// The journal of the database at `databasePath`.
    public static func path(forDatabase databasePath: String) -> String { databasePath + "-deliveries" }

    /// Opens (creating, 0600) the journal of the database at `databasePath` for appending.
    public init(databasePath: String) throws(FileSystemError) {
        path = Self.path(forDatabase: databasePath)
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, PrivateFiles.fileMode)
        guard fd >= 0 else { throw FileSystemError(errno) }
        if fchmod(fd, PrivateFiles.fileMode) != 0 {
            let e = errno
            close(fd)
            throw FileSystemError(e)
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Writes `record` as one line with one `write(2)`: when this returns, a kill cannot lose it.
    public func append(_ record: Record) throws(FileSystemError) {
        var line = Array(Self.line(record).utf8)
        let failure: Int32? = line.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
            }
            return nil
        }
        if let failure { throw FileSystemError(failure) }
    }

    /// Empties the journal once the outbox holds everything in it.
    public func clear() throws(FileSystemError) {
        if ftruncate(fd, 0) != 0 { throw FileSystemError(errno) }
    }

    /// The records in the journal at `path`, in the order written; an unfinished or unreadable line
    /// (a power cut mid-write) is left out. No file is no records.
    public static func records(at path: String) throws(FileSystemError) -> [Record] {
        guard let data = FileManager.default.contents(atPath: path) else {
            if FileManager.default.fileExists(atPath: path) { throw FileSystemError(EACCES) }
            return []
        }
        var out: [Record] = []
        var start = data.startIndex
        while let end = data[start...].firstIndex(of: UInt8(ascii: "\n")) {
            if let r = parse(String(decoding: data[start..<end], as: UTF8.self)) { out.append(r) }
            start = data.index(after: end)
        }
        return out
    }

    static func line(_ r: Record) -> String {
        let (kind, flag): (String, Bool) = switch r.result {
        case .sent: ("S", false)
        case .deferred(_, let down): ("D", down)
        case .failed(_, let unknown): ("F", unknown)
        }
        let millis = Int64((r.now.timeIntervalSince1970 * 1000).rounded())
        return "v1 \(r.id) \(millis) \(kind) \(flag ? 1 : 0) \(escape(r.result.reply))\n"
    }

    static func parse(_ line: String) -> Record? {
        let parts = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "v1", let id = Int64(parts[1]), let millis = Int64(parts[2]),
              let flag = Int(parts[4]), flag == 0 || flag == 1, let reply = unescape(parts[5])
        else { return nil }
        let result: DeliveryResult
        switch parts[3] {
        case "S": result = .sent(reply: reply)
        case "D": result = .deferred(reply: reply, transportDown: flag == 1)
        case "F": result = .failed(reply: reply, unknownUser: flag == 1)
        default: return nil
        }
        return Record(id: id, now: Date(timeIntervalSince1970: Double(millis) / 1000), result: result)
    }

    static func escape(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == 10 || $0 == 13 }) else { return s }
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "%": out += "%25"
            case "\n": out += "%0A"
            case "\r": out += "%0D"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func unescape(_ s: Substring) -> String? {
        guard s.contains("%") else { return String(s) }
        var out = ""
        var i = s.startIndex
        while i < s.endIndex {
            if s[i] == "%" {
                let code = s[s.index(after: i)...].prefix(2)
                switch code {
                case "25": out += "%"
                case "0A": out += "\n"
                case "0D": out += "\r"
                default: return nil
                }
                i = s.index(i, offsetBy: 3)
            } else {
                out.append(s[i])
                i = s.index(after: i)
            }
        }
        return out
    }
}
