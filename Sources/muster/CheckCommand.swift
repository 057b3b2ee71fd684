// muster check: configuration, schedules and templates, with file:line errors; exit 1 on any.
import ArgumentParser
import Foundation
import MusterCore
import MusterDaemon

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate config, schedules and templates; every error names file and line.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Check as of this instant (ISO 8601); default now.")
    var now: String?

    func run() throws {
        let config = try global.loadConfig()
        let district = try District.load(config: config)
        let report = district.check(now: try parseNow(now))
        guard report.errors.isEmpty else {
            throw InputErrors(report.errors)
        }
        print("ok: \(report.rules) rules, \(report.steps) steps checked "
            + "(\(report.againstRealRows) against rows from the database, the rest against sample data)")
    }
}
