// The logger every command that delivers uses.
import Logging

/// Logs to standard error, one line an event.
func makeLogger(_ level: Logger.Level) -> Logger {
    var logger = Logger(label: "muster") { label in VisibleLogHandler(label: label) }
    logger.logLevel = level
    return logger
}
