// muster report: the organising picture (density, reps, targets, months, ballots, events, sections)
// as a terminal table, one section of CSV, or one self-contained HTML file with charts.
import ArgumentParser
import Foundation
import MusterCore
import MusterStore

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The organising report: density, reps, targets, months, ballots, events, sections.",
        discussion: "Sections: \(ReportSectionName.allCases.map(\.rawValue).joined(separator: ", ")). CSV holds one section (--section).")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, csv, html }

    @OptionGroup var global: GlobalOptions

    @Option(help: "Report as of this instant (ISO 8601 with a zone); default now.")
    var now: String?

    @Option(help: "How many calendar months, this one included.")
    var months: Int = 12

    @Option(help: "Group the workplace figures by workplace, kind, town, region or section.")
    var by: String = "workplace"

    @Option(help: "text, csv or html.")
    var format: Format = .text

    @Option(help: "Only this section (required with --format csv).")
    var section: String?

    @Option(help: "Write to this file instead of standard output.")
    var out: String?

    @Option(help: "The section whose entrants' retention the summary gives.")
    var leadershipSection: String = "leadership"

    func validate() throws {
        guard (1...120).contains(months) else { throw ValidationError("Please pass --months between 1 and 120.") }
        guard ReportGrouping(rawValue: by) != nil else {
            throw ValidationError("Please pass --by as one of \(ReportGrouping.allCases.map(\.rawValue).joined(separator: ", ")) (got \"\(by)\").")
        }
        if let section, ReportSectionName(rawValue: section) == nil {
            throw ValidationError("Please pass --section as one of \(ReportSectionName.allCases.map(\.rawValue).joined(separator: ", ")) (got \"\(section)\").")
        }
        if format == .csv && section == nil {
            throw ValidationError("CSV holds one section: please pass --section (one of \(ReportSectionName.allCases.map(\.rawValue).joined(separator: ", "))).")
        }
    }

    func run() throws {
        let config = try global.loadConfig()
        let store = try global.openStore(config)
        let instant = try parseNow(now)
        let input = try store.reportInput(organisation: config.organisation.name, now: instant, zone: config.organisation.timeZone, months: months)
        let report = Report(input, grouping: ReportGrouping(rawValue: by)!, leadershipSection: leadershipSection)
        let sections = section.map { [ReportSectionName(rawValue: $0)!] } ?? ReportSectionName.allCases
        let text: String
        switch format {
        case .text: text = ReportText.render(report, sections: sections)
        case .csv: text = ReportCSV.render(report.section(sections[0]))
        case .html: text = ReportHTML.render(report, sections: sections)
        }
        if let out {
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
            } catch {
                throw UserError(message: "\(out): cannot write the report: \(error.localizedDescription)")
            }
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
