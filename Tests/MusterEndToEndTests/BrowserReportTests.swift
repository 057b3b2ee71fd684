// The demo district's HTML report in a real browser (headless Chromium): the charts are there and
// laid out, the page asks for nothing from the network, fits a phone's width and prints on A4.
import Foundation
import MusterTestSupport
import Testing

@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")))
struct BrowserReportTests {
    struct Page: Decodable {
        struct SVG: Decodable { var label: String?; var width: Double; var height: Double }
        var svgs: [SVG]
        var shapes: Int
        var scripts: Int
        var requests: [String]
        var phoneScrollWidth: Int
        var phoneWidth: Int
        var pdfBytes: Int
        var errors: [String]
    }

    @Test func theDemoReportDrawsItsChartsAndLoadsNothingFromTheNetwork() async throws {
        // Given the demo district (with its 18 months of history) and its HTML report,
        let dir = try TemporaryDirectory()
        let now = "2026-11-23T09:00:00Z"
        #expect(try MusterBinary.run(["init", "--demo", "--now", now], in: dir.path).status == 0)
        let report = try MusterBinary.run(["report", "--now", now, "--format", "html", "--out", dir.file("report.html")], in: dir.path)
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOfFile: dir.file("report.html"), encoding: .utf8)
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href="))

        // When Chromium opens it (the screenshot is kept, outside the repository, as the test's artefact),
        let artefacts = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("muster-test-artefacts")
        try FileManager.default.createDirectory(at: artefacts, withIntermediateDirectories: true)
        let shot = artefacts.appendingPathComponent("report-\(ProcessInfo.processInfo.processIdentifier).png").path
        let r = try await offPool {
            try runProcess(["python3", Repository.path("Tests/browser/report_page.py"), dir.file("report.html"), shot])
        }
        #expect(r.status == 0, "\(r.stderr)")
        let page = try JSONDecoder().decode(Page.self, from: Data(r.stdout.utf8))
        print("report screenshot: \(shot)")

        // Then the three kinds of chart are there with a size (density, members over time, turnout
        // for each of the demo's two open ballots), their bars and lines are drawn,
        #expect(page.svgs.count == 4)
        #expect(page.svgs.allSatisfy { $0.width > 100 && $0.height > 40 })
        #expect(page.svgs.contains { $0.label?.hasPrefix("line chart of active members") == true })
        #expect(page.shapes > 100)
        // nothing was asked of the network, no script runs, nothing went wrong,
        #expect(page.requests == [])
        #expect(page.scripts == 0)
        #expect(page.errors == [])
        // it fits a phone's width (wide tables scroll inside their box) and prints.
        #expect(page.phoneScrollWidth <= page.phoneWidth)
        #expect(page.pdfBytes > 10_000)
        let png = try Data(contentsOf: URL(fileURLWithPath: shot))
        #expect(png.count > 10_000 && png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    }
}
