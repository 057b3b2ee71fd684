// The report as one self-contained HTML file: inline CSS, inline SVG charts drawn here, no script,
// no font, image or style sheet from anywhere. Readable on a phone, printable on A4.
import Foundation

public enum ReportHTML {
    public static func render(_ report: Report, sections: [ReportSectionName] = ReportSectionName.allCases, targetsLimit: Int? = 50) -> String {
        let i = report.input
        let title = "\(i.organisation): organising report, \(LocalTime.day(of: i.now, in: i.zone))"
        let body = "<h1>\(esc(title))</h1>\n" + sectionsHTML(report, sections: sections, targetsLimit: targetsLimit)
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(esc(title))</title>
            <style>
            \(style)
            </style>
            </head>
            <body>
            \(body)</body>
            </html>

            """
    }

    /// The report without the page around it: the period, then each section (an `h2`, its charts,
    /// table and notes). `render` puts it under the title; the console puts it inside its own layout,
    /// whose strict CSP it meets: no `style` attribute, no script, the charts drawn with SVG
    /// presentation attributes only.
    public static func sectionsHTML(_ report: Report, sections: [ReportSectionName] = ReportSectionName.allCases, targetsLimit: Int? = 50) -> String {
        let i = report.input
        var body = "<p class=\"period\">\(esc(i.months.first?.month ?? "-")) to \(esc(i.months.last?.month ?? "-"))</p>\n"
        for name in sections {
            let s = report.section(name, limit: sections.count == 1 ? nil : targetsLimit)
            body += "<section id=\"\(name.rawValue)\">\n<h2>\(esc(s.title))</h2>\n"
            body += charts(for: name, report)
            body += table(s.table)
            for n in s.notes { body += "<p class=\"note\">\(esc(n))</p>\n" }
            body += "</section>\n"
        }
        return body
    }

    static let style = """
        body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a; margin: 0 auto; padding: 12px; max-width: 60rem; }
        h1 { font-size: 1.4rem; margin: 0.4rem 0; } h2 { font-size: 1.15rem; margin: 1.6rem 0 0.5rem; border-bottom: 2px solid #b3123b; }
        .period, .note { color: #444; font-size: 0.9rem; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; font-size: 0.88rem; margin: 0.4rem 0; }
        th, td { padding: 3px 8px; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
        th { background: #f3f3f3; } td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
        tr.estimate td { font-style: italic; color: #666; }
        figure { margin: 0.6rem 0; } figcaption { font-size: 0.85rem; color: #444; }
        svg.chart { width: 100%; height: auto; max-width: 44rem; display: block; }
        @page { size: A4; margin: 14mm; }
        @media print { body { max-width: none; padding: 0; font-size: 10pt; } .scroll { overflow: visible; }
          figure, tr { break-inside: avoid; } h2 { break-after: avoid; } }
        """

    static func charts(for name: ReportSectionName, _ r: Report) -> String {
        switch name {
        case .months:
            return figure(ReportSVG.line(r.input.series), caption: "Active members over time (dashed: estimated from joined_on, before muster's snapshots)")
        case .workplaces:
            let bars = r.densityBars
            guard !bars.isEmpty else { return "" }
            return figure(ReportSVG.columns(bars, line: Report.targetDensity, lineLabel: "50%"),
                          caption: "Density by workplace (active members / staff), highest first; the line is 50%")
        case .ballots:
            return r.openBallots.map { b in
                figure(ReportSVG.columns(r.turnoutBars(b), line: b.threshold, lineLabel: b.threshold.map { "threshold \(Report.percent($0))" } ?? ""),
                       caption: "Turnout by workplace: \(b.title)" + (b.threshold.map { ", against the \(Report.percent($0)) threshold" } ?? ""))
            }.joined()
        default:
            return ""
        }
    }

    static func figure(_ svg: String, caption: String) -> String {
        "<figure>\n\(svg)<figcaption>\(esc(caption))</figcaption>\n</figure>\n"
    }

    static func table(_ t: ReportTable) -> String {
        guard !t.rows.isEmpty else { return "<p class=\"note\">(none)</p>\n" }
        var s = "<div class=\"scroll\"><table>\n<thead><tr>"
        for (i, c) in t.columns.enumerated() { s += t.numeric[i] ? "<th class=\"n\">\(esc(c))</th>" : "<th>\(esc(c))</th>" }
        s += "</tr></thead>\n<tbody>\n"
        for (k, row) in t.rows.enumerated() {
            s += t.estimatedRows.contains(k) ? "<tr class=\"estimate\">" : "<tr>"
            for (i, v) in row.enumerated() { s += t.numeric[i] ? "<td class=\"n\">\(esc(v))</td>" : "<td>\(esc(v))</td>" }
            s += "</tr>\n"
        }
        return s + "</tbody>\n</table></div>\n"
    }

    /// Text for HTML content and attribute values.
    public static func esc(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                if c.value < 0x20 && c != "\n" && c != "\t" { out += " " } else { out.unicodeScalars.append(c) }
            }
        }
        return out
    }
}

/// The report's charts as inline SVG: plain shapes in a fixed view box that scales to the page.
public enum ReportSVG {
    static let width = 640.0, height = 240.0, left = 44.0, bottom = 22.0, top = 10.0, right = 10.0

    /// A column per bar (a fraction from 0 to 1, clamped to 0...1.2), sorted as given, with a
    /// horizontal line at `line` (a target or threshold). Each column's name is its tooltip.
    public static func columns(_ bars: [ReportBar], line: Double?, lineLabel: String) -> String {
        let maxValue = max(1.0, min(1.2, bars.map(\.value).max() ?? 1))
        let plotW = width - left - right, plotH = height - top - bottom
        func y(_ v: Double) -> Double { top + plotH * (1 - min(v, maxValue) / maxValue) }
        var s = open(label: "bar chart, \(bars.count) workplaces")
        s += axes(maxValue: maxValue, y: y)
        let step = plotW / Double(max(bars.count, 1))
        let w = max(0.6, step * 0.8)
        for (i, b) in bars.enumerated() {
            let x = left + Double(i) * step + (step - w) / 2
            let top = y(b.value)
            s += "<rect x=\"\(f(x))\" y=\"\(f(top))\" width=\"\(f(w))\" height=\"\(f(max(0.5, height - bottom - top)))\" fill=\"#b3123b\"><title>\(ReportHTML.esc(b.label)): \(Report.percent(b.value))</title></rect>\n"
        }
        if let line {
            s += "<line x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y(line)))\" y2=\"\(f(y(line)))\" stroke=\"#1a1a1a\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\"/>\n"
            s += "<text x=\"\(f(width - right - 4))\" y=\"\(f(y(line) - 4))\" text-anchor=\"end\" font-size=\"11\">\(ReportHTML.esc(lineLabel))</text>\n"
        }
        return s + "</svg>\n"
    }

    /// Active members by day: a solid line where muster had snapshots, dashed where estimated.
    public static func line(_ points: [ReportPoint]) -> String {
        guard points.count >= 1, let first = points.first?.day.epochDay, let last = points.last?.day.epochDay else {
            return "<p class=\"note\">No history to draw yet.</p>\n"
        }
        let hi = Double(points.map(\.active).max() ?? 1)
        let ceiling = max(10, niceCeiling(hi * 1.05))
        let plotW = width - left - right, plotH = height - top - bottom
        let span = Double(max(1, last - first))
        func x(_ d: LocalDay) -> Double { left + plotW * Double(d.epochDay - first) / span }
        func y(_ v: Double) -> Double { top + plotH * (1 - v / ceiling) }
        var s = open(label: "line chart of active members, \(points.first!.day) to \(points.last!.day)")
        for k in 0...4 {
            let v = ceiling * Double(k) / 4
            s += "<line x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y(v)))\" y2=\"\(f(y(v)))\" stroke=\"#ddd\"/>"
            s += "<text x=\"\(f(left - 4))\" y=\"\(f(y(v) + 4))\" text-anchor=\"end\" font-size=\"11\">\(Int(v))</text>\n"
        }
        s += "<text x=\"\(f(left))\" y=\"\(f(height - 6))\" font-size=\"11\">\(points.first!.day)</text>"
        s += "<text x=\"\(f(width - right))\" y=\"\(f(height - 6))\" text-anchor=\"end\" font-size=\"11\">\(points.last!.day)</text>\n"
        // Runs of estimated and recorded points, each run joined to the next so that the line is unbroken.
        var runs: [(estimate: Bool, points: [ReportPoint])] = []
        for p in points {
            if let lastRun = runs.last, lastRun.estimate == p.estimate { runs[runs.count - 1].points.append(p) }
            else { runs.append((p.estimate, (runs.last?.points.last.map { [$0] } ?? []) + [p])) }
        }
        for run in runs {
            let coords = run.points.map { "\(f(x($0.day))),\(f(y(Double($0.active))))" }.joined(separator: " ")
            let dots = run.points.count == 1 ? "<circle cx=\"\(f(x(run.points[0].day)))\" cy=\"\(f(y(Double(run.points[0].active))))\" r=\"3\" fill=\"#b3123b\"/>" : ""
            s += "<polyline points=\"\(coords)\" fill=\"none\" stroke=\"#b3123b\" stroke-width=\"2\"\(run.estimate ? " stroke-dasharray=\"5 4\" opacity=\"0.7\"" : "")/>\(dots)\n"
        }
        return s + "</svg>\n"
    }

    static func open(label: String) -> String {
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"\(ReportHTML.esc(label))\">\n"
    }

    static func axes(maxValue: Double, y: (Double) -> Double) -> String {
        var s = ""
        var v = 0.0
        while v <= maxValue + 0.001 {
            s += "<line x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(y(v)))\" y2=\"\(f(y(v)))\" stroke=\"#ddd\"/>"
            s += "<text x=\"\(f(left - 4))\" y=\"\(f(y(v) + 4))\" text-anchor=\"end\" font-size=\"11\">\(Int((v * 100).rounded()))%</text>\n"
            v += 0.25
        }
        return s
    }

    /// 1, 2 or 5 times a power of ten, at least `x`.
    static func niceCeiling(_ x: Double) -> Double {
        guard x > 0 else { return 1 }
        let p = pow(10, floor(log10(x)))
        for m in [1.0, 2.0, 5.0, 10.0] where m * p >= x { return m * p }
        return 10 * p
    }

    /// A coordinate with one decimal: small files, enough precision for a page.
    static func f(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(format: "%.1f", r)
    }
}
