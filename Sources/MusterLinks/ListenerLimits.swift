// How long the links listener waits for a client, how many clients it holds, and the descriptors it leaves.
import Foundation
#if canImport(Glibc)
import Glibc
private let openFilesResource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
#elseif canImport(Darwin)
import Darwin
private let openFilesResource = RLIMIT_NOFILE
#endif

/// The listener's defences against slow, idle and too many clients (issue 18 item 4).
///
/// | limit               | default | what happens when it is passed                                            |
/// |---------------------|---------|---------------------------------------------------------------------------|
/// | `requestHead`       | 10 s    | a new connection that has not sent a whole request head is closed          |
/// | `requestBody`       | 10 s    | a request whose body has not all arrived this long after its head: closed  |
/// | `idle`              | 30 s    | a kept-alive connection with no new request head is closed                 |
/// | `maxConnections`    | 1024    | new connections wait in the backlog, and the connection out of any request |
/// |                     |         | (waiting for a head, or idle) the longest is closed to make room, once it  |
/// |                     |         | has been so for `closeForRoomAfter` (4 ms a connection of the cap); if     |
/// |                     |         | every one is in a request, new ones wait for a close                       |
///
/// `closeForRoomAfter` at 4 ms a connection of the cap means that a listener held full by clients that
/// reconnect at once closes at most about 256 connections a second, whatever the cap, and a newcomer
/// queued behind N of them waits about N / 256 seconds.
///
/// A handler that is answering is never cut short. A half-sent head on a kept-alive connection falls
/// under `idle`, not `requestHead` (the decoder does not say when a head starts, only when it is whole).
/// Connections waiting in the kernel's backlog hold no descriptor of ours.
public struct ListenerLimits: Sendable, Equatable {
    public var requestHead: Duration
    public var requestBody: Duration
    public var idle: Duration
    public var maxConnections: Int
    /// At the cap, a connection out of any request this long may be closed to make room.
    public var closeForRoomAfter: Duration
    /// The kernel's queue of connections not yet accepted.
    public var backlog: Int

    public init(requestHead: Duration = .seconds(10), requestBody: Duration = .seconds(10), idle: Duration = .seconds(30),
                maxConnections: Int = 1024, closeForRoomAfter: Duration? = nil, backlog: Int = 256) {
        self.requestHead = requestHead; self.requestBody = requestBody; self.idle = idle
        self.maxConnections = maxConnections
        self.closeForRoomAfter = closeForRoomAfter ?? .milliseconds(4 * maxConnections)
        self.backlog = backlog
    }

    /// Descriptors kept for everything but the listener: SQLite (a writer, readers, their WAL and shm files),
    /// the SMTP connections (at most 32), the outbox's temporary files, the event loops, standard streams.
    public static let reservedDescriptors = 128

    /// The defaults, with the cap lowered when the process may open few files: at most half of what is left
    /// after `reservedDescriptors`, so that listening can never starve delivery or the database.
    ///
    ///     ListenerLimits.fitting(openFiles: 524_288).maxConnections  // 1024, closeForRoomAfter 4.096 s
    ///     ListenerLimits.fitting(openFiles: 1024).maxConnections     // 448, closeForRoomAfter 1.792 s
    ///     ListenerLimits.fitting(openFiles: 256).maxConnections      // 64, closeForRoomAfter 0.256 s
    public static func fitting(openFiles: Int) -> ListenerLimits {
        var limits = ListenerLimits()
        limits.maxConnections = max(8, min(limits.maxConnections, (openFiles - reservedDescriptors) / 2))
        limits.closeForRoomAfter = .milliseconds(4 * limits.maxConnections)
        return limits
    }
}

/// The process's limit on open files (RLIMIT_NOFILE).
public enum OpenFileLimit {
    /// Raises the soft limit to the hard limit, as a daemon that holds connections should (systemd's default
    /// soft limit is 1024 with a far higher hard limit). Returns the soft limit in force afterwards.
    @discardableResult
    public static func raiseToHard() -> Int {
        var limit = rlimit()
        guard getrlimit(openFilesResource, &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(openFilesResource, &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur >= rlim_t(Int.max) ? Int.max : Int(limit.rlim_cur)
    }
}
