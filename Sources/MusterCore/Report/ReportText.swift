// The report for a terminal: each section's title, an aligned table, its notes. No colour, ever:
// the same bytes whether or not standard output is a terminal, so it pastes into a mail or a file.
import Foundation

public enum ReportText {
    /// The sections in order; values from the data have their control characters made visible.
    public static func render(_ report: Report, sections: [ReportSectionName], targetsLimit: Int? = 30) -> String {
        var out = "\(TerminalText.visible(report.input.organisation)): organising report, \(LocalTime.day(of: report.input.now, in: report.input.zone))"
            + " (\(report.input.months.first?.month ?? "-") to \(report.input.months.last?.month ?? "-"))\n"
        for name in sections {
            let s = report.section(name, limit: sections.count == 1 ? nil : targetsLimit)
            out += "\n\(s.title)\n\(String(repeating: "=", count: s.title.count))\n"
            out += table(s.table)
            for n in s.notes { out += "\(n)\n" }
        }
        return out
    }

    /// Columns padded to their widest value (by characters), numbers right-aligned, two spaces apart.
    public static func table(_ t: ReportTable) -> String {
        guard !t.rows.isEmpty else { return "(none)\n" }
        let rows = t.rows.map { $0.map { TerminalText.visible($0) } }
        var widths = t.columns.map(\.count)
        for r in rows { for (i, v) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], v.count) } }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, v) in cells.enumerated() {
                let pad = String(repeating: " ", count: max(0, widths[i] - v.count))
                parts.append(t.numeric[i] ? pad + v : (i == cells.count - 1 ? v : v + pad))
            }
            return parts.joined(separator: "  ")
        }
        var out = line(t.columns) + "\n" + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for r in rows { out += line(r) + "\n" }
        return out
    }
}

/// One section as CSV (RFC 4180): a header row, CRLF line ends, fields quoted when they hold a
/// comma, a quote or a line end; a value that a spreadsheet would take as a formula (starting
/// with `=`, `+`, `-` or `@`) is prefixed with `'`.
public enum ReportCSV {
    public static func render(_ section: ReportSection) -> String {
        var out = line(section.table.columns)
        for r in section.table.rows { out += line(r) }
        return out
    }

    static func line(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") + "\r\n" }

    public static func field(_ value: String) -> String {
        var v = value
        if let first = v.unicodeScalars.first, "=+-@".unicodeScalars.contains(first) { v = "'" + v }
        if v.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            v = "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return v
    }
}
