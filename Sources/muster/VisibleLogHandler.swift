// The daemon's log lines as they reach standard error (often a terminal): no control character raw.
import Logging
import MusterCore

/// Wraps swift-log's standard error handler and passes the message and every metadata value through
/// `TerminalText.visible`, so a relay's reply or a request path quoted in a log line cannot carry an
/// escape sequence to the terminal (or a line break into the journal).
struct VisibleLogHandler: LogHandler {
    var inner: StreamLogHandler

    init(label: String) { inner = StreamLogHandler.standardError(label: label) }

    func log(event: LogEvent) {
        var e = event
        e.message = "\(TerminalText.visible(event.message.description))"
        e.metadata = event.metadata.map(Self.visible)
        inner.log(event: e)
    }

    static func visible(_ metadata: Logger.Metadata) -> Logger.Metadata {
        metadata.mapValues { .string(TerminalText.visible($0.description)) }
    }

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = Self.visible(newValue) }
    }
    var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }
    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue.map { .string(TerminalText.visible($0.description)) } }
    }
}
