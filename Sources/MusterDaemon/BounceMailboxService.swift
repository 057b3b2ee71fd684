// `mail.bounce_mailbox`: the daemon reads the bounce mailbox over IMAPS every few minutes.
import Foundation
import Logging
import MusterCore
import MusterMail
import ServiceLifecycle

/// Reads every message in the bounce mailbox, hands each to `BounceHandler`, flags it \Deleted once
/// it is handled or kept aside (a message that is not mail at all is kept aside too), and expunges;
/// then waits `interval` and reads again. A message whose handling could not be recorded (the
/// database) stays in the mailbox for the next reading. No failure of the mailbox stops the daemon:
/// it is logged (never with a credential) and tried again at the next reading.
///
/// The IMAP session (libcurl, blocking) runs on a thread of its own, never on the cooperative pool.
public struct BounceMailboxService: Service {
    public let url: String
    public let username: String
    public let password: String
    public let caFile: String?
    public let handler: BounceHandler
    public let interval: TimeInterval
    let now: @Sendable () -> Date
    let logger: Logger

    public init(url: String, username: String, password: String, caFile: String?, handler: BounceHandler,
                interval: TimeInterval = 300, now: @escaping @Sendable () -> Date, logger: Logger) {
        self.url = url; self.username = username; self.password = password; self.caFile = caFile
        self.handler = handler; self.interval = interval; self.now = now; self.logger = logger
    }

    /// What one reading did.
    public struct Reading: Sendable, Equatable {
        public var handled = 0
        public var keptAside = 0
        public var left = 0
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let reading = await withCheckedContinuation { (c: CheckedContinuation<Reading?, Never>) in
                let me = self
                Thread.detachNewThread { c.resume(returning: me.readOnce()) }
            }
            if let r = reading, r.handled + r.keptAside + r.left > 0 {
                logger.notice("bounce_mailbox=read handled=\(r.handled) kept_aside=\(r.keptAside) left=\(r.left)")
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(nanoseconds: UInt64(interval * 1e9)) }
            } catch {
                return
            }
        }
    }

    /// One reading of the mailbox; nil when the mailbox could not be read (logged).
    public func readOnce() -> Reading? {
        var r = Reading()
        do {
            let box = try CurlIMAPMailbox(url: url, username: username, password: password, caFile: caFile)
            for uid in try box.uids().prefix(1000) {
                let (bytes, size) = try box.fetch(uid: uid, keep: ReportParser.maxBytes)
                do {
                    switch try handler.handle(bytes, size: size, now: now()) {
                    case .acted, .nothingToDo: r.handled += 1
                    case .keptAside: r.keptAside += 1
                    case .notAMessage:
                        _ = try handler.keepAside(bytes, size: size, reason: ReportParseError.notAMessage.description, now: now())
                        r.keptAside += 1
                    }
                } catch {
                    // Not recorded: leave it for the next reading.
                    logger.error("bounce_mailbox=record_failed uid=\(uid) error=\"\(String(describing: error).replacingOccurrences(of: "\"", with: "'"))\"")
                    r.left += 1
                    continue
                }
                try box.delete(uid: uid)
            }
            try box.expunge()
            return r
        } catch {
            logger.error("bounce_mailbox=unreadable error=\"\(String(describing: error).replacingOccurrences(of: "\"", with: "'"))\" retry_in=\(Int(interval))s")
            return nil
        }
    }
}
