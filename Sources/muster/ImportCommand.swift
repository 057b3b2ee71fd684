// muster import KIND FILE.csv [--sync]: one file, one transaction, every error named by row and column.
import ArgumentParser
import Foundation
import MusterStore

extension ImportKind: ExpressibleByArgument {}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a CSV file: all of it, or nothing and the reasons.",
        discussion: """
            KIND is one of: \(ImportKind.allCases.map(\.rawValue).joined(separator: ", ")). The header row names \
            the columns (DESIGN.md "Data"). Rows are matched by id (members by membership_number); reps, \
            registrations and ballot-members name their member by membership_number or member_id.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "What the file holds.")
    var kind: ImportKind

    @Argument(help: "The CSV file.")
    var file: String

    @Flag(help: "Members absent from the file become status 'left' (members only).")
    var sync = false

    @Option(help: ArgumentHelp(
        "With --sync: the number of members you expect it to mark left; any other number is refused.",
        valueName: "N"))
    var expectLeft: Int?

    @Flag(help: "With --sync: mark however many members left (a sync of more than 50, or 10% of the members, asks otherwise).")
    var yes = false

    func validate() throws {
        if (expectLeft != nil || yes) && !sync {
            throw ValidationError("Please pass --expect-left or --yes only with --sync.")
        }
        if expectLeft != nil && yes { throw ValidationError("Please pass --expect-left N or --yes, not both.") }
        if let expectLeft, expectLeft < 0 { throw ValidationError("Please pass --expect-left 0 or more.") }
    }

    private var confirmation: LeftConfirmation {
        if yes { return .yes }
        return expectLeft.map(LeftConfirmation.expect) ?? .unconfirmed
    }

    func run() throws {
        let config = try global.loadConfig()
        let store = try global.openStore(config)
        let showProgress = standardErrorIsTerminal
        let progress: (@Sendable (Int) -> Void)? = showProgress ? showRows : nil
        let report = try importCSV(
            kind: kind, path: file, store: store, sync: sync, confirm: confirmation, now: Date(), progress: progress)
        if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        for w in report.warnings { printError("warning: \(w)") }
        var line = "\(report.file): \(report.rowsRead) rows: \(report.inserted) new, \(report.updated) updated, \(report.unchanged) unchanged"
        if sync { line += ", \(report.markedLeft) marked left" }
        print(line)
    }
}

/// Progress on a terminal: rewrites one line.
@Sendable private func showRows(_ rows: Int) {
    FileHandle.standardError.write(Data("\rimporting: \(rows) rows".utf8))
}
