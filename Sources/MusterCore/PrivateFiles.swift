// Files and folders muster creates hold special-category data: owner only (0600 / 0700), whatever the umask.
import Foundation

/// Creating files and folders readable by their owner only, whatever the process's umask: the
/// database, outbox messages and reports hold who is in a union, which is special-category data.
///
/// ```swift
/// try PrivateFiles.makeDirectory("outbox")            // 0700 if muster creates it
/// try PrivateFiles.write(bytes, toNew: "outbox/.7.eml.tmp")   // 0600; fails if it exists
/// ```
public enum PrivateFiles {
    /// A file's mode: read and write for its owner, nothing for anyone else.
    public static let fileMode: mode_t = 0o600
    /// A folder's mode: its owner only.
    public static let directoryMode: mode_t = 0o700

    /// Creates the file at `path`, which must not exist, with mode 0600, and writes `data` to it.
    /// The error names the system's reason (`No space left on device`).
    public static func write(_ data: Data, toNew path: String) throws(FileSystemError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
        guard fd >= 0 else { throw FileSystemError(errno) }
        var failure: Int32?
        // The umask can only take bits away; fchmod also puts back an owner bit a strange umask removed.
        if fchmod(fd, fileMode) != 0 { failure = errno }
        if failure == nil {
            failure = data.withUnsafeBytes { raw -> Int32? in
                var offset = 0
                while offset < raw.count {
                    let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        return errno
                    }
                    offset += n
                }
                return nil
            }
        }
        // A full disk can show first at close (delayed allocation, network file systems).
        if close(fd) != 0 && failure == nil { failure = errno }
        if let failure {
            unlink(path)
            throw FileSystemError(failure)
        }
    }

    /// Creates the empty file at `path` with mode 0600 if there is none; an existing file is left as it is.
    public static func createIfMissing(_ path: String) throws(FileSystemError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
        if fd < 0 {
            if errno == EEXIST { return }
            throw FileSystemError(errno)
        }
        let failure = fchmod(fd, fileMode) != 0 ? errno : nil
        close(fd)
        if let failure { throw FileSystemError(failure) }
    }

    /// Creates the folder at `path` (and any missing parents) when it does not exist, the folder itself
    /// with mode 0700. A folder that exists is left as it is: its owner chose its mode.
    public static func makeDirectory(_ path: String) throws(FileSystemError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { return }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != path { try makeParents(parent) }
        if mkdir(path, directoryMode) != 0 && errno != EEXIST { throw FileSystemError(errno) }
        if chmod(path, directoryMode) != 0 { throw FileSystemError(errno) }
    }

    /// `mkdir -p` for the parents, with the usual mode (0777 less the umask): they may be shared folders.
    private static func makeParents(_ path: String) throws(FileSystemError) {
        if FileManager.default.fileExists(atPath: path) { return }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != path { try makeParents(parent) }
        if mkdir(path, 0o777) != 0 && errno != EEXIST { throw FileSystemError(errno) }
    }
}

/// A system call on a file failed: the `errno` and its text (`No space left on device`).
public struct FileSystemError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: Int32

    public init(_ code: Int32) { self.code = code }

    /// The system's words for it, lower-cased as a clause: `no space left on device`.
    public var description: String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }

    public var isNoSpace: Bool { code == ENOSPC || code == EDQUOT }
}
