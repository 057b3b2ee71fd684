// The console's report: the organising report as `muster report --format html` draws it, inside the
// console's layout, and each section as a CSV download.
import Foundation
import MusterCore
import MusterDaemon
import MusterStore

/// Report: the same sections, charts and tables as `muster report --format html` (ReportHTML), in the
/// console's layout and under its strict CSP (the charts are inline SVG drawn with presentation
/// attributes only, no `style` attribute and no script), with a CSV link for every section.
///
/// `?by=town&months=24` choose the grouping and the months as `--by` and `--months` do; a value the
/// report does not know is named on the page and the default shown instead.
struct ReportPage: ConsolePage {
    let path = "/report"
    let title = "Report"

    func body(_ r: ConsolePageRequest) async throws -> String {
        let options = ReportOptions(query: r.query)
        let report = try options.report(r.district, now: r.now)
        let people = PeopleTime(timeZone: r.district.config.organisation.timeZone)
        var html = ConsoleHTML.paragraph(
            "As of \(people.dateTimeWithYear(r.now)), the last \(options.months) months, workplace figures by \(options.grouping.rawValue). "
            + "The same report as muster report --format html makes.")
        for problem in options.problems { html += "<p class=\"warn\" role=\"alert\">\(ConsoleHTML.escape(problem))</p>" }
        html += options.form
        html += "<div class=\"downloads\"><h2 id=\"downloads\">Downloads</h2>"
        html += ConsoleHTML.paragraph("Each section as a CSV file for a spreadsheet (all rows, as muster report --format csv --section writes it).")
        html += "<ul class=\"files\">" + ReportSectionName.allCases.map { name in
            "<li><a href=\"\(ConsoleHTML.escape(options.csvPath(name)))\" download>\(ConsoleHTML.escape(report.section(name).title)) (\(name.rawValue).csv)</a></li>"
        }.joined() + "</ul></div>"
        html += "<div class=\"report\">\n" + ReportHTML.sectionsHTML(report) + "</div>"
        return html
    }
}

/// One section of the report as CSV, as `muster report --format csv --section NAME` writes it:
/// `/report.csv?section=workplaces` (with `by` and `months` as on the page), sent as a download.
struct ReportDownload: ConsoleFile {
    let path = "/report.csv"

    func answer(_ r: ConsolePageRequest) async throws -> ConsoleFileAnswer {
        let names = ReportSectionName.allCases.map(\.rawValue).joined(separator: ", ")
        guard let given = r.query["section"], let name = ReportSectionName(rawValue: given) else {
            return .text(.notFound, "There is no such section of the report. Please use one of: \(names) (/report.csv?section=workplaces).\n")
        }
        let options = ReportOptions(query: r.query)
        guard options.problems.isEmpty else { return .text(.badRequest, options.problems.joined(separator: "\n") + "\n") }
        let report = try options.report(r.district, now: r.now)
        let day = LocalTime.day(of: r.now, in: r.district.config.organisation.timeZone)
        return ConsoleFileAnswer(contentType: "text/csv; charset=utf-8", body: ReportCSV.render(report.section(name)),
                                 filename: "report-\(name.rawValue)-\(day).csv")
    }
}

/// The report's choices from a query string, with what was wrong in it.
struct ReportOptions {
    static let monthChoices = [3, 6, 12, 24, 36]
    var grouping = ReportGrouping.workplace
    var months = 12
    var problems: [String] = []

    init(query: [String: String]) {
        if let by = query["by"] {
            if let g = ReportGrouping(rawValue: by) { grouping = g } else {
                problems.append("by=\(by) is not a grouping of the report; it is one of \(ReportGrouping.allCases.map(\.rawValue).joined(separator: ", ")). Showing by workplace.")
            }
        }
        if let text = query["months"] {
            if let n = Int(text), (1...120).contains(n) { months = n } else {
                problems.append("months=\(text) must be a number from 1 to 120. Showing 12 months.")
            }
        }
    }

    func report(_ district: District, now: Date) throws -> Report {
        let organisation = district.config.organisation
        let input = try district.store.reportInput(organisation: organisation.name, now: now, zone: organisation.timeZone, months: months)
        return Report(input, grouping: grouping)
    }

    func csvPath(_ section: ReportSectionName) -> String {
        "/report.csv?section=\(section.rawValue)&by=\(grouping.rawValue)&months=\(months)"
    }

    /// A GET form choosing the grouping and months (no script: the button reloads the page).
    var form: String {
        func option(_ value: String, _ label: String, _ selected: Bool) -> String {
            "<option value=\"\(ConsoleHTML.escape(value))\"\(selected ? " selected" : "")>\(ConsoleHTML.escape(label))</option>"
        }
        let groupings = ReportGrouping.allCases.map { option($0.rawValue, $0.rawValue, $0 == grouping) }.joined()
        let monthList = (Self.monthChoices.contains(months) ? Self.monthChoices : (Self.monthChoices + [months]).sorted())
            .map { option(String($0), "\($0) months", $0 == months) }.joined()
        return """
            <form method="get" action="/report" class="choose">\
            <label for="by">Workplace figures by</label><select id="by" name="by">\(groupings)</select>\
            <label for="months">Over</label><select id="months" name="months">\(monthList)</select>\
            <button type="submit">Show</button></form>
            """
    }
}
