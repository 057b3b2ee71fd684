// A log handler that keeps messages in memory, to check what the listener writes.
import Foundation
import Logging

/// Collects info-and-above messages of one logger, and every message with metadata, for assertions.
final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    private var everything: [String] = []

    var messages: [String] { lock.withLock { lines } }
    var all: String { lock.withLock { everything.joined(separator: "\n") } }

    var logger: Logger {
        var l = Logger(label: "links-test") { _ in Handler(capture: self) }
        l.logLevel = .trace
        return l
    }

    func record(_ level: Logger.Level, _ message: String, _ metadata: Logger.Metadata?) {
        lock.withLock {
            if level >= .info, !message.hasPrefix("Server") { lines.append(message) }
            everything.append("\(message) \(metadata ?? [:])")
        }
    }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            capture.record(event.level, "\(event.message)", metadata.merging(event.metadata ?? [:]) { $1 })
        }
    }
}
