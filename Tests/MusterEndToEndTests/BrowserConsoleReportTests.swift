// The console's Report page and a rule's HTML preview in a real browser: headless Chromium signs in,
// opens the report (its SVG charts laid out under the console's strict CSP, nothing blocked, fits a
// phone) and a rule's preview (the sandboxed frame draws the message; a hostile template's script,
// remote image and form do nothing). Screenshots go to .build/test-artefacts/ (not committed).
import Foundation
import MusterTestSupport
import Testing

extension DaemonProcessTests {
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")))
struct BrowserConsoleReportTests {
    struct Result: Decodable {
        struct Page: Decodable {
            struct SVG: Decodable { var label: String?; var width: Double; var height: Double }
            struct Frame: Decodable { var src: String?; var sandbox: String?; var shown: Bool; var width: Double; var height: Double }
            var text: String
            var svgs: [SVG]
            var shapes: Int
            var iframes: [Frame]
            var frameTexts: [String]
            var csv: [String]
            var scripts: Int
            var printHidden: [String]
            var pdfBytes: Int
            var phoneScrollWidth: Int
            var phoneWidth: Int
            var requests: [String]
            var errors: [String]
            var screenshot: String
            var frameScreenshot: String?
        }
        var signedIn: String
        var pages: [String: Page]
    }

    @Test func chromiumOpensTheReportAndARulesPreview() async throws {
        // Given muster run on the demo district with the console,
        let run = try ConsoleReportTests.DemoConsole()
        let artefacts = Repository.path(".build/test-artefacts")
        try FileManager.default.createDirectory(atPath: artefacts, withIntermediateDirectories: true)
        let paths = ["/report", "/rules?rule=reps-weekly"]
        // When Chromium signs in, opens the report and a rule's preview, and presses the button of any
        // form inside a preview,
        let r = try await offPool {
            try runProcess(["python3", Repository.path("Tests/browser/console_pages.py"), run.base, ConsoleTests.password, artefacts]
                           + paths + ["--press-in-frames", "form button"])
        }
        #expect(r.status == 0, "\(r.stderr)\n\(run.daemon.log.suffix(3000))")
        let result = try JSONDecoder().decode(Result.self, from: Data(r.stdout.utf8))
        #expect(result.signedIn == "/today")
        for (path, page) in result.pages.sorted(by: { $0.key < $1.key }) {
            print("console screenshot of \(path): \(page.screenshot)" + (page.frameScreenshot.map { " and \($0)" } ?? ""))
            #expect(FileManager.default.fileExists(atPath: page.screenshot))
        }

        // Then the report is there with its four charts laid out and drawn, its seven CSV links, no
        // script, nothing asked of anywhere but the console, no CSP violation, it fits a phone and prints.
        let report = try #require(result.pages["/report"])
        #expect(report.text.contains("Downloads") && report.text.contains("Workplaces by workplace"), "\(report.text.prefix(500))")
        #expect(report.svgs.count == 4, "\(report.svgs)")
        #expect(report.svgs.allSatisfy { $0.width > 300 && $0.height > 100 }, "\(report.svgs)")
        #expect(report.shapes > 100)
        #expect(report.csv.count == 7 && report.csv.allSatisfy { $0.hasPrefix("/report.csv?section=") }, "\(report.csv)")
        #expect(report.scripts == 0)
        #expect(report.errors == [], "\(report.errors)")
        #expect(report.requests.allSatisfy { $0.hasPrefix(run.base + "/") }, "\(report.requests)")
        #expect(report.phoneScrollWidth <= report.phoneWidth, "\(report.phoneScrollWidth) > \(report.phoneWidth)")
        // Printed, it is the report: no navigation, no choices, no download links.
        #expect(Set(report.printHidden) == ["header", "form.choose", ".downloads", "nav"], "\(report.printHidden)")
        #expect(report.pdfBytes > 10_000)

        // The Rules page (opened at reps-weekly): a sandboxed frame with a size for each HTML step, the
        // reps' update drawn for the sample member beside its text,
        let rules = try #require(result.pages["/rules?rule=reps-weekly"])
        #expect(rules.iframes.map(\.src) == ["/rules/preview?rule=hostile-preview&step=1", "/rules/preview?rule=reps-weekly&step=1"], "\(rules.iframes)")
        #expect(rules.iframes.allSatisfy { $0.sandbox == "" }, "\(rules.iframes)")
        // (only the rule asked for has its samples open)
        #expect(rules.iframes.map(\.shown) == [false, true], "\(rules.iframes)")
        let open = try #require(rules.iframes.last)
        #expect(open.width > 200 && open.height > 300, "\(open)")
        #expect(rules.frameTexts.count == 2, "\(rules.frameTexts)")
        #expect(rules.frameTexts.contains { $0.contains("Here's your weekly round-up") }, "\(rules.frameTexts)")
        #expect(rules.text.contains("Here's your weekly round-up"))
        #expect(rules.phoneScrollWidth <= rules.phoneWidth, "\(rules.phoneScrollWidth) > \(rules.phoneWidth)")
        // with welcome's check error on the same page (every rule is listed),
        #expect(rules.text.contains("welcome-1.mustache:4: unknown variable 'member.frist_name'"))
        // and the hostile template's HTML drawn without what it tried: its script did not run (in the
        // frame or on the console), its remote image and its form (pressed) went nowhere, and the only errors logged
        // are Chromium refusing those, in the hostile frame.
        #expect(rules.frameTexts.contains { $0.contains("the sandbox held.") }, "\(rules.frameTexts)")
        #expect(!rules.frameTexts.joined().contains("the script ran"))
        #expect(!rules.text.contains("pwned"))
        #expect(!rules.requests.contains { $0.contains(":9/") }, "\(rules.requests)")
        #expect(rules.errors.contains { $0.contains("sandboxed") && $0.contains("allow-scripts") }, "\(rules.errors)")
        #expect(rules.errors.contains { $0.contains("127.0.0.1:9/tracker.png") && $0.contains("Content Security Policy") }, "\(rules.errors)")
        #expect(rules.errors.contains { $0.contains("form submission") && $0.contains("allow-forms") }, "\(rules.errors)")
        #expect(rules.errors.allSatisfy { $0.contains("hostile-preview") || $0.contains("127.0.0.1:9/") }, "\(rules.errors)")
    }
}
}
