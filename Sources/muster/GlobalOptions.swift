// Options every command takes, and the argument shuffle that lets them stand before the subcommand.
import ArgumentParser
import Foundation
import Logging
import MusterCore
import MusterDaemon
import MusterStore

struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The configuration file.")
    var config: String = "muster.yaml"

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    /// Loads and checks muster.yaml.
    func loadConfig() throws -> Config {
        guard FileManager.default.fileExists(atPath: config) else {
            throw UserError(message: "\(config): no configuration file here (run 'muster init' to write one, or pass --config PATH)")
        }
        return try Config.load(path: config)
    }

    /// Opens the database the configuration names, which must exist (only `init` creates one),
    /// bringing its schema up to date.
    func openStore(_ config: Config) throws -> Store {
        try Store.existing(for: config)
    }

    /// `muster --config X plan` is read as `muster plan --config X`: DESIGN.md's options are global.
    static func hoist(_ args: [String], subcommands: Set<String>) -> [String] {
        var globals: [String] = []
        var i = 0
        while i < args.count, args[i].hasPrefix("-") {
            let a = args[i]
            if a == "--config" || a == "--log-level", i + 1 < args.count {
                globals += [a, args[i + 1]]
                i += 2
            } else if a.hasPrefix("--config=") || a.hasPrefix("--log-level=") {
                globals.append(a)
                i += 1
            } else {
                break
            }
        }
        guard !globals.isEmpty, i < args.count, subcommands.contains(args[i]) else { return args }
        return [args[i]] + globals + Array(args[(i + 1)...])
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Whether standard error is a terminal (progress is shown only there).
var standardErrorIsTerminal: Bool { isatty(2) == 1 }

/// Writes `s` and a line end to standard error, control characters made visible (`TerminalText`).
func printError(_ s: String) {
    FileHandle.standardError.write(Data((TerminalText.visibleLines(s) + "\n").utf8))
}

/// Parses `--now` (ISO 8601 with Z or an offset) or explains what is expected.
func parseNow(_ text: String?) throws -> Date {
    guard let text else { return Date() }
    do {
        return try ISOTime.instant(text)
    } catch {
        throw ValidationError("Please pass --now as ISO 8601 with a zone, like 2026-11-23T09:00:00Z (got \"\(text)\": \(error.reason)).")
    }
}
