// The console's Report page and the Rules page's HTML preview, through the real binary: `muster run`
// on the demo district with the console, spoken to with curl. The CSV downloads are byte for byte what
// `muster report --format csv --section` writes; the preview is answered with a sandboxing CSP.
import Foundation
import MusterTestSupport
import Testing

extension DaemonProcessTests {
@Suite struct ConsoleReportTests {
    /// The demo district (`muster init --demo` now, its 18 months of history, two open ballots) with
    /// `muster run` serving links and the console. welcome-1's template has a mistyped variable, which
    /// `muster check` names, and a rule `hostile-preview` (nothing ever due) whose HTML part tries a
    /// script, a remote image and a form.
    final class DemoConsole: @unchecked Sendable {
        let district: DaemonDistrict
        let daemon: DaemonProcess
        let console: Int
        var base: String { "http://127.0.0.1:\(console)" }
        var dir: TemporaryDirectory { district.dir }

        init() throws {
            let console = try ConsoleTests.freePort(), links = try ConsoleTests.freePort()
            self.console = console
            district = try DaemonDistrict(demoWithConsole: console, links: links)
            daemon = try DaemonProcess(district, environment: [
                "MUSTER_CONSOLE_PASSWORD_HASH": ConsoleTests.hash,
                "MUSTER_LINK_SECRET": String(repeating: "console-test-secret-", count: 3),
            ])
            try daemon.waitForLog("console=listening", timeout: 60)
            // The first pass has planned (and the day's snapshot is written), so the report is settled.
            try daemon.waitForLog("pass=everything", timeout: 120)
        }

        deinit { daemon.signal(SIGKILL) }

        func muster(_ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
            try MusterBinary.run(args, in: dir.path)
        }
    }

    /// Signs in through the form as ConsoleTests.signIn does; the cookie's value and the page's CSRF token.
    static func signIn(_ run: DemoConsole) async throws -> (cookie: String, csrf: String) {
        let r = try await ConsoleTests.curl(run.base + "/sign-in", form: ["password": ConsoleTests.password])
        #expect(r.status == 303, "\(r.body)\n\(run.daemon.log.suffix(2000))")
        let setCookie = try #require(r.header("set-cookie"))
        let cookie = String(setCookie.split(separator: ";")[0].dropFirst("muster_console=".count))
        let today = try await ConsoleTests.curl(run.base + "/today", cookie: cookie)
        let csrf = try #require(today.body.firstMatch(of: /name="csrf" value="([^"]+)"/)).1
        return (cookie, String(csrf))
    }

    static let sections = ["summary", "workplaces", "targets", "months", "ballots", "events", "sections"]
    static let preview = "/rules/preview?rule=reps-weekly&step=1"

    @Test func theReportPageShowsTheChartsAndEachSectionDownloadsAsMusterReportWritesIt() async throws {
        let run = try DemoConsole()
        // Without a session, the page and the downloads send the browser to sign in and show nothing.
        for path in ["/report", "/report.csv?section=workplaces", "/report.csv", Self.preview] {
            let r = try await ConsoleTests.curl(run.base + path)
            #expect(r.status == 303 && r.header("location") == "/sign-in", "\(path): \(r.status)")
            #expect(r.body.isEmpty, "\(path): \(r.body)")
        }
        let (cookie, csrf) = try await Self.signIn(run)

        // Signed in, the Report page is the console's page (its CSP, no-store) holding the report's
        // sections with the four charts (density, members over time, turnout in each open ballot), and
        // nothing the strict CSP would block: no script, no style attribute, no asset from anywhere.
        let page = try await ConsoleTests.curl(run.base + "/report", cookie: cookie)
        #expect(page.status == 200, "\(page.body)\n\(run.daemon.log)")
        ConsoleTests.expectStrictHeaders(page, "/report")
        #expect(page.body.contains("<h1>Report</h1>") && page.body.contains("aria-current=\"page\">Report"))
        #expect(page.body.components(separatedBy: "<svg class=\"chart\"").count - 1 == 4, "\(page.body.prefix(3000))")
        #expect(page.body.contains("aria-label=\"line chart of active members"))
        for title in ["Summary", "Targets", "Months", "Ballots"] { #expect(page.body.contains("<h2>\(title)"), "\(title)") }
        #expect(!page.body.contains("<script") && !page.body.contains(" style=") && !page.body.contains("src="))
        let addresses = page.body.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        #expect(!addresses.contains("http://") && !addresses.contains("https://"), "the report links nowhere")
        #expect(!page.body.contains("@example.org"), "the report shows no member's address")
        for s in Self.sections {
            #expect(page.body.contains("href=\"/report.csv?section=\(s)&amp;by=workplace&amp;months=12\" download>"), "\(s)")
        }

        // The sections are muster report --format html's, byte for byte (its page around them aside).
        let cli = try run.muster(["report", "--format", "html"])
        #expect(cli.status == 0, "\(cli.stderr)")
        let sections = try #require(cli.stdout.firstMatch(of: /<\/h1>\n(<p class="period">[\s\S]*)<\/body>/)).1
        #expect(page.body.contains("<div class=\"report\">\n" + sections + "</div>"), "the console's report differs from muster report --format html's")

        // Each section's CSV is what `muster report --format csv --section` writes, as a download.
        let day = try #require(run.daemon.log.firstMatch(of: /snapshot=(\d{4}-\d{2}-\d{2})/)).1
        for s in Self.sections {
            let csv = try await ConsoleTests.curl(run.base + "/report.csv?section=\(s)", cookie: cookie)
            let cli = try run.muster(["report", "--format", "csv", "--section", s])
            #expect(cli.status == 0, "\(cli.stderr)")
            #expect(csv.status == 200, "\(s): \(csv.body)")
            #expect(csv.header("content-type") == "text/csv; charset=utf-8")
            #expect(csv.header("content-disposition") == "attachment; filename=\"report-\(s)-\(day).csv\"", "\(csv.headers)")
            #expect(csv.header("cache-control") == "no-store" && csv.header("x-content-type-options") == "nosniff")
            #expect(csv.body == cli.stdout, "\(s): the console's CSV differs from muster report's")
            #expect(csv.body.split(separator: "\r\n").count > 1, "\(s): \(csv.body)")
        }
        // --by and --months as query values, the same as the command's.
        let byTown = try await ConsoleTests.curl(run.base + "/report.csv?section=workplaces&by=town&months=3", cookie: cookie)
        #expect(byTown.body == (try run.muster(["report", "--format", "csv", "--section", "workplaces", "--by", "town", "--months", "3"])).stdout)
        #expect(byTown.body.hasPrefix("town,"), "\(byTown.body.prefix(200))")
        let townPage = try await ConsoleTests.curl(run.base + "/report?by=town&months=24", cookie: cookie)
        #expect(townPage.body.contains("<option value=\"town\" selected>") && townPage.body.contains("<option value=\"24\" selected>"))

        // A section or a choice the report does not have is refused, saying what there is.
        let unknown = try await ConsoleTests.curl(run.base + "/report.csv?section=members", cookie: cookie)
        #expect(unknown.status == 404 && unknown.body.contains("summary, workplaces, targets, months, ballots, events, sections"), "\(unknown.body)")
        let badMonths = try await ConsoleTests.curl(run.base + "/report.csv?section=months&months=1000", cookie: cookie)
        #expect(badMonths.status == 400 && badMonths.body.contains("months=1000 must be a number from 1 to 120"), "\(badMonths.body)")
        let badPage = try await ConsoleTests.curl(run.base + "/report?by=shoe-size", cookie: cookie)
        #expect(badPage.status == 200 && badPage.body.contains("by=shoe-size is not a grouping of the report"))
        // What the query says is only ever shown escaped.
        let injected = try await ConsoleTests.curl(run.base + "/report?by=%3Cscript%3Ealert(1)%3C/script%3E&months=%22%3E%3Cimg", cookie: cookie)
        #expect(injected.body.contains("by=&lt;script&gt;alert(1)&lt;/script&gt; is not a grouping") && injected.body.contains("months=&quot;&gt;&lt;img must be"),
                "\(injected.body.prefix(2000))")
        #expect(!injected.body.contains("<script") && !injected.body.contains("<img"))
        // The downloads take GET only.
        let post = try await ConsoleTests.curl(run.base + "/report.csv?section=summary", cookie: cookie, form: ["csrf": csrf])
        #expect(post.status == 405 && post.header("allow") == "GET, HEAD", "\(post.status) \(post.headers)")
    }

    @Test func theRulesPageFramesASandboxedHTMLPreviewAndShowsCheckErrors() async throws {
        let run = try DemoConsole()
        let (cookie, _) = try await Self.signIn(run)
        let rules = try await ConsoleTests.curl(run.base + "/rules?rule=reps-weekly", cookie: cookie)
        #expect(rules.status == 200, "\(rules.body)\n\(run.daemon.log)")
        ConsoleTests.expectStrictHeaders(rules, "/rules")
        // The console's pages may frame the console only, and nothing may frame them.
        #expect(rules.header("content-security-policy")?.contains("frame-src 'self'; ") == true)

        // Then the HTML step is shown beside its text in a sandboxed frame (the rule asked for is open),
        #expect(rules.body.contains("<details open><summary>Sample of step 1</summary>"))
        #expect(rules.body.contains("<iframe class=\"preview\" sandbox src=\"/rules/preview?rule=reps-weekly&amp;step=1\" title=\"The HTML of step 1 of reps-weekly, as a mail program shows it\""),
                "\(rules.body)")
        // a text-only step says so, and other rules' samples stay closed,
        #expect(rules.body.contains("This step's template has no HTML part: members get the text only."))
        #expect(rules.body.contains("<details><summary>Sample of step 1</summary>"))
        // and muster check's error for welcome's template is on the page with its file and line, as the command says it.
        let check = try run.muster(["check"])
        #expect(check.status == 1 && check.stderr.contains("welcome-1.mustache:4: unknown variable 'member.frist_name'"), "\(check.stderr)")
        #expect(rules.body.contains("muster check finds 2 problems in this rule's templates"), "\(rules.body)")
        #expect(rules.body.contains("welcome-1.mustache:4: unknown variable 'member.frist_name'</li>"))
        #expect(rules.body.contains("muster check finds nothing wrong in this rule's templates."))

        // The preview itself: the template's HTML for the sample member, under a policy of its own that
        // sandboxes it (no script, opaque origin), loads nothing, and lets only the console frame it.
        let memberID = try #require(rules.body.firstMatch(of: /For member (\d+)\. Subject: Reps' update/)).1
        let name = try await run.district.sql("SELECT first_name FROM members WHERE id = \(memberID)")
        let preview = try await ConsoleTests.curl(run.base + Self.preview, cookie: cookie)
        #expect(preview.status == 200, "\(preview.body)")
        #expect(preview.header("content-type") == "text/html; charset=utf-8")
        let csp = preview.header("content-security-policy") ?? ""
        #expect(csp == "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'; frame-ancestors 'self'", "\(csp)")
        #expect(preview.all("content-security-policy").count == 1)
        #expect(preview.header("cache-control") == "no-store" && preview.header("x-content-type-options") == "nosniff")
        #expect(preview.body.contains("<p>Hello \(name),</p>") && preview.body.contains("<body style="), "\(preview.body.prefix(500))")

        // A step with no HTML, a rule or step that does not exist: a short refusal, nothing rendered.
        for (path, says) in [("/rules/preview?rule=welcome&step=1", "has no HTML part"), ("/rules/preview?rule=nope&step=1", "no such rule"),
                             ("/rules/preview?rule=reps-weekly&step=2", "steps 1 to 1"), ("/rules/preview?rule=reps-weekly", "steps 1 to 1")] {
            let r = try await ConsoleTests.curl(run.base + path, cookie: cookie)
            #expect(r.status == 404 && r.body.contains(says) && r.header("content-type") == "text/plain; charset=utf-8", "\(path): \(r.status) \(r.body)")
            #expect(r.header("content-security-policy")?.hasPrefix("default-src 'none'") == true)
        }
    }
}
}

extension DaemonDistrict {
    /// The demo district made now, in a folder of its own: schedules linked from the repository plus
    /// `hostile-preview`, templates copied (welcome-1's first name mistyped as `member.frist_name`),
    /// links and console on the ports given (the console with Secure cookies, as in production).
    init(demoWithConsole console: Int, links: Int) throws {
        dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("schedules"), withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: Repository.path("schedules")) {
            try FileManager.default.createSymbolicLink(atPath: dir.file("schedules/\(name)"), withDestinationPath: Repository.path("schedules/\(name)"))
        }
        try FileManager.default.copyItem(atPath: Repository.path("templates"), toPath: dir.file("templates"))
        let welcome = dir.file("templates/welcome-1.mustache")
        try String(contentsOfFile: welcome, encoding: .utf8).replacingOccurrences(of: "{{member.first_name}}", with: "{{member.frist_name}}")
            .write(toFile: welcome, atomically: true, encoding: .utf8)
        try dir.write("schedules/hostile-preview.yaml", """
            description: A template that tries what a sandbox must stop.
            kind: sequence
            anchor: joined_on
            topic: welcome
            steps:
              - { after: 3650d, template: hostile }

            """)
        try dir.write("templates/hostile.mustache", """
            ---
            subject: "Hostile preview"
            ---
            Hello {{member.first_name}}.

            """)
        try dir.write("templates/hostile.html.mustache", """
            <!DOCTYPE html><html><body style="background:#fffbe6">
            <p id="said">Hello {{member.first_name}}, the sandbox held.</p>
            <script>document.getElementById('said').textContent = 'the script ran'; parent.document.title = 'pwned';</script>
            <img src="http://127.0.0.1:9/tracker.png" alt="tracker">
            <form action="http://127.0.0.1:9/steal" method="post"><button id="send">send</button></form>
            </body></html>

            """)
        let r = try MusterBinary.run(["init", "--demo"], in: dir.path)
        guard r.status == 0 else { throw TestSupportError("muster init --demo failed: \(r.stderr)") }
        let yaml = try String(contentsOfFile: dir.file("muster.yaml"), encoding: .utf8)
        guard yaml.contains("127.0.0.1:8025") else { throw TestSupportError("the demo's muster.yaml no longer has the links on 127.0.0.1:8025:\n\(yaml)") }
        try dir.write("muster.yaml", yaml.replacingOccurrences(of: "127.0.0.1:8025", with: "127.0.0.1:\(links)") + """
            console:
              listen: 127.0.0.1:\(console)

            """)
    }
}
