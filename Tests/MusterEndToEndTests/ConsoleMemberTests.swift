// The console's member page through the real binary, spoken to with curl: no console page shows
// anything of a member without a session; signed in, the search and a member's page.
import Foundation
import MusterConsole
import MusterTestSupport
import Testing

extension DaemonProcessTests {
@Suite struct ConsoleMemberTests {
    /// What of the two members of `ConsoleTests.Running` must never reach someone not signed in.
    static let memberData = ["Zebedee", "Quill", "zebedee@example.org", "Ada", "Byron", "ada@example.org", "Hello Zebedee"]

    @Test func everyConsolePageWithoutASessionRedirectsToSignInAndShowsNoMemberData() async throws {
        // Given muster run with the console, that has mailed both members (so there is something to leak),
        let run = try ConsoleTests.Running()
        _ = try await offPool {
            eventually(20) { (try? run.district.sql("SELECT count(*) FROM muster_outbox WHERE state = 'sent'")) == "2" }
        }
        // and a session that signed out again,
        let old = try await ConsoleTests.signIn(run)
        #expect(try await ConsoleTests.curl(run.base + "/sign-out", cookie: old.cookie, form: ["csrf": old.csrf]).status == 303)
        let pages = ConsolePages.all.map(\.path), files = ConsolePages.files.map(\.path)
        let paths = pages + files
        #expect(pages.contains("/member") && pages.contains("/today") && pages.count >= 3, "\(paths)")
        // When every page and download is asked for, with and without query, with no cookie, a forged
        // one or the old one,
        let cookies: [String?] = [nil, "forged", String(repeating: "A", count: 43), old.cookie]
        var asked = 0
        for path in paths {
            for query in ["", "?id=1", "?id=2&q=Zebedee&rule=welcome&step=1&section=workplaces"] {
                for cookie in cookies {
                    let get = try await ConsoleTests.curl(run.base + path + query, cookie: cookie)
                    let head = try await ConsoleTests.curl(run.base + path + query, cookie: cookie, extra: ["-I"])
                    let post = try await ConsoleTests.curl(run.base + path + query, cookie: cookie,
                                                           form: ["q": "Zebedee", "csrf": old.csrf, "confirm": "yes"])
                    // Then each answer is a redirect to sign-in that says nothing of anyone, with the strict headers.
                    for (method, r) in [("GET", get), ("HEAD", head), ("POST", post)] {
                        let what = "\(method) \(path)\(query) cookie \(cookie == old.cookie ? "signed out" : cookie ?? "none")"
                        if method == "POST" && files.contains(path) {
                            // a download takes no POST: turned away, or not allowed at all
                            #expect((r.status == 303 && r.header("location") == "/sign-in") || r.status == 405, "\(what): \(r.status)")
                        } else {
                            #expect(r.status == 303 && r.header("location") == "/sign-in", "\(what): \(r.status)")
                        }
                        #expect(r.header("set-cookie") == nil, "\(what)")
                        for datum in Self.memberData { #expect(!r.body.contains(datum), "\(what) shows \(datum): \(r.body)") }
                        ConsoleTests.expectStrictHeaders(r, what)
                        asked += 1
                    }
                }
            }
        }
        #expect(asked == paths.count * 3 * cookies.count * 3)
        // And none of it was done: the log shows no page served to them and no refusal by CSRF (the
        // gate turned them away before reading a form), and names no member.
        let log = run.daemon.log
        #expect(!log.contains("console=refused reason=csrf"), "\(log)")
        for datum in Self.memberData { #expect(!log.contains(datum), "the log names \(datum)") }

        // While signed in, the member page does show them (so the checks above could fail), and
        // no other page shows an address.
        let session = try await ConsoleTests.signIn(run)
        let member = try await ConsoleTests.curl(run.base + "/member?id=1", cookie: session.cookie)
        #expect(member.status == 200 && member.body.contains("Zebedee Quill") && member.body.contains("zebedee@example.org"))
        for path in pages where path != "/member" {
            let r = try await ConsoleTests.curl(run.base + path, cookie: session.cookie)
            #expect(r.status == 200, "\(path): \(r.status)")
            #expect(!r.body.contains("zebedee@example.org") && !r.body.contains("ada@example.org"), "\(path) shows an address")
        }
    }

    @Test func aSignedInOrganiserFindsAMemberAndReadsTheirMessagesAndExplain() async throws {
        let run = try ConsoleTests.Running()
        _ = try await offPool {
            eventually(20) { (try? run.district.sql("SELECT count(*) FROM muster_outbox WHERE state = 'sent'")) == "2" }
        }
        try await run.district.sql("""
            INSERT INTO members(id, membership_number, first_name, last_name, email, status, joined_on) VALUES
              (3, 'N3', '<script>alert(1)</script>', 'Zoë Ångström', NULL, 'lapsed', '2020-01-01');
            WITH RECURSIVE n(i) AS (SELECT 100 UNION ALL SELECT i + 1 FROM n WHERE i < 139)
            INSERT INTO members(id, membership_number, first_name, last_name, status, joined_on)
            SELECT i, 'S' || i, 'Sam', 'Smith', 'left', '2020-01-01' FROM n;
            """)
        let s = try await ConsoleTests.signIn(run)
        func search(_ text: String) async throws -> ConsoleTests.Reply {
            try await ConsoleTests.curl(run.base + "/member", cookie: s.cookie, form: ["q": text, "csrf": s.csrf])
        }
        // The page itself is a search form that posts (names stay out of addresses and access logs).
        let form = try await ConsoleTests.curl(run.base + "/member", cookie: s.cookie)
        #expect(form.status == 200 && form.body.contains("<form method=\"post\" action=\"/member\" role=\"search\">"))
        #expect(form.body.contains("<a href=\"/member\" aria-current=\"page\">Member</a>"))

        // Part of a name, in any case, finds them; the matches link to each member's page.
        let quill = try await search("qUIL")
        #expect(quill.status == 200 && quill.body.contains("One member matching"), "\(quill.body)")
        #expect(quill.body.contains("<a href=\"/member?id=1\">Zebedee Quill</a>") && !quill.body.contains("Byron"))
        #expect(!quill.body.contains("zebedee@example.org"))   // the list shows no addresses
        // Accents do not matter, and a name is shown as text, never as markup.
        let zoe = try await search("zoe angstrom")
        #expect(zoe.body.contains("&lt;script&gt;alert(1)&lt;/script&gt; Zoë Ångström") && !zoe.body.contains("<script>"), "\(zoe.body)")
        // Results are bounded, and say so.
        let smiths = try await search("smith")
        #expect(!smiths.body.contains("<a href=\"/member?id=1\">"))
        #expect(smiths.body.components(separatedBy: "\">Sam Smith</a>").count - 1 == 25)
        #expect(smiths.body.contains("The first 25 members matching") && smiths.body.contains("More match"))
        #expect(try await search("nobody at all").body.contains("No member matches"))
        // A membership number that is one member's opens their page.
        let byNumber = try await search("n2")
        #expect(byNumber.status == 303 && byNumber.header("location") == "/member?id=2", "\(byNumber.status)")
        // Without the form's token, nothing is searched.
        let forged = try await ConsoleTests.curl(run.base + "/member", cookie: s.cookie, form: ["q": "Quill"])
        #expect(forged.status == 403 && !forged.body.contains("Zebedee"))

        // Their page: details with the address, their messages (state, when, subject), and why, rule by rule.
        let page = try await ConsoleTests.curl(run.base + "/member?id=1", cookie: s.cookie)
        #expect(page.status == 200)
        ConsoleTests.expectStrictHeaders(page, "/member?id=1")
        let body = page.body
        #expect(body.contains("<h2>Zebedee Quill</h2>") && body.contains("<dd>N1 (member id 1)</dd>"))
        #expect(body.contains("<dd>zebedee@example.org</dd>"))
        #expect(body.contains("<caption>Messages for Zebedee Quill, newest first</caption>"))
        #expect(body.firstMatch(of: /<td>welcome step 1 \(outbox \d+\)<\/td><td>sent<\/td><td>\w{3} \d+ \w{3} 20\d\d \d\d:\d\d<\/td><td>Hello Zebedee<\/td>/) != nil, "\(body)")
        #expect(body.contains("<h3 id=\"explain-welcome\">welcome</h3><ul><li>Step 1: sent "), "\(body)")
        #expect(body.contains("<h3 id=\"explain-meeting\">meeting</h3><ul><li>Nothing for them in the next 60 days</li>"), "\(body)")
        // The explain is muster explain's, line for line (bar the rule's name in front).
        let explain = try MusterBinary.run(["explain", "1", "--config", run.district.config], in: run.district.dir.path)
        #expect(explain.status == 0, "\(explain.stderr)")
        for line in explain.stdout.split(separator: "\n").dropFirst() {
            let text = line.trimmingCharacters(in: .whitespaces)
            let rest = text.hasPrefix("welcome ") ? String(text.dropFirst("welcome ".count)) : String(text.dropFirst("meeting: ".count))
            #expect(body.contains(rest.prefix(1).uppercased() + rest.dropFirst()), "explain says \(text)")
        }
        // A member without an address says so; an unknown or malformed id is told plainly.
        let three = try await ConsoleTests.curl(run.base + "/member?id=3", cookie: s.cookie)
        #expect(three.body.contains("<dd>none (muster does not mail them)</dd>") && three.body.contains("muster has made no message"))
        #expect(three.body.contains("Not in the audience (status is lapsed)"), "\(three.body)")
        #expect(try await ConsoleTests.curl(run.base + "/member?id=99", cookie: s.cookie).body.contains("There is no member with id 99."))
        #expect(try await ConsoleTests.curl(run.base + "/member?id=1%20OR%201", cookie: s.cookie).body.contains("reached by their id, a number"))
        // The log says who looked at whom by ids, and nothing of whom was looked for.
        let log = run.daemon.log
        #expect(log.contains("console=member session=1 member=1 client=127.0.0.1"), "\(log)")
        #expect(log.contains("console=member_search session=1 matches=25+ client=127.0.0.1"))
        #expect(log.contains("console=member_search session=1 matches=0 client=127.0.0.1"))
        for datum in ["Zebedee", "Quill", "zebedee@", "qUIL", "smith", "Zoë"] { #expect(!run.daemon.log.contains(datum), "the log has \(datum)") }
    }
}
}
