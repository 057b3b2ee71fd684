// muster bounce: read a bounce or a complaint (one message, stdin by default) and act on it.
import ArgumentParser
import Foundation
import MusterCore
import MusterDaemon
import MusterStore

struct BounceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bounce",
        abstract: "Read a bounce or complaint (a DSN or feedback report) and act on it.",
        discussion: """
            Reads one message from standard input (a Postfix alias or pipe), or each FILE given. \
            A permanent bounce suppresses the address; transient ones count (mail.soft_bounce_limit); \
            a complaint unsubscribes the member from every topic. What cannot be read or matched is \
            kept aside in muster_bounces_unmatched. Exits 0 when every message was handled or kept \
            aside, 1 when an input is not a mail message at all, 75 (try again later) when the \
            database cannot be written, so that Postfix keeps the message and retries.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Messages to read (default: one from standard input).")
    var files: [String] = []

    @Option(help: "Act as of this instant (ISO 8601 with a zone); default now.")
    var now: String?

    /// Input beyond this is counted but not kept: the report's parts come first.
    static let readLimit = ReportParser.maxBytes

    func run() throws {
        let config = try global.loadConfig()
        let store = try global.openStore(config)
        let instant = try parseNow(now)
        let handler = BounceHandler(store: store, config: config, signer: try makeBounceSigner(config), logger: makeLogger(global.logLevel))
        var notMessages = 0
        let inputs: [String?] = files.isEmpty ? [nil] : files
        for input in inputs {
            let (bytes, size) = try Self.read(input)
            let handling: BounceHandler.Handling
            do {
                handling = try handler.handle(bytes, size: size, now: instant)
            } catch {
                throw UserError(message: "\(input ?? "stdin"): could not record the report (\(error)); nothing was changed, try again",
                                status: 75)
            }
            let name = input.map { TerminalText.visible($0) + ": " } ?? ""
            switch handling {
            case let .acted(outboxID, c, outcome):
                print(name + Self.describe(outboxID: outboxID, c, outcome))
            case .nothingToDo(let why):
                print(name + "nothing to do: " + TerminalText.visible(why))
            case let .keptAside(id, reason):
                print(name + "kept aside (unmatched \(id)): " + TerminalText.visible(reason))
            case .notAMessage:
                printError(name + "not a mail message (no header fields); nothing kept")
                notMessages += 1
            }
        }
        if notMessages > 0 { throw ExitCode(ExitStatus.invalidInput) }
    }

    static func describe(outboxID: Int64, _ c: BounceClass, _ outcome: BounceOutcome) -> String {
        switch outcome {
        case .alreadyRecorded:
            return "\(c.rawValue) for outbox \(outboxID): already recorded, nothing changed"
        case let .recorded(suppressed, softCount, stopped):
            switch c {
            case .permanent: return "permanent bounce for outbox \(outboxID): address suppressed, \(stopped) queued stopped"
            case .transient:
                return "transient bounce for outbox \(outboxID): \(softCount) counting" + (suppressed ? ", address suppressed, \(stopped) queued stopped" : "")
            case .complaint: return "complaint for outbox \(outboxID): member unsubscribed from every topic, \(stopped) queued stopped"
            }
        }
    }

    /// The first `readLimit` bytes of `path` (stdin when nil) and the whole input's size.
    static func read(_ path: String?) throws -> ([UInt8], Int) {
        let handle: FileHandle
        if let path {
            guard let h = FileHandle(forReadingAtPath: path) else {
                throw UserError(message: "\(TerminalText.visible(path)): cannot be read (is the path right, and readable by this user?)")
            }
            handle = h
        } else {
            handle = FileHandle.standardInput
        }
        defer { if path != nil { try? handle.close() } }
        var kept: [UInt8] = []
        var size = 0
        while true {
            guard let chunk = try handle.read(upToCount: 256 * 1024), !chunk.isEmpty else { break }
            size += chunk.count
            if kept.count < readLimit { kept += chunk.prefix(readLimit - kept.count) }
        }
        return (kept, size)
    }
}
