// The console's Stop page and Today's paused and member-limit sections through the real binary, with curl:
// the confirmation step, CSRF, unknown rules, the log line, and that `muster status` and `plan` agree.
import Foundation
import MusterTestSupport
import Testing

extension DaemonProcessTests {
@Suite struct ConsoleStopTests {
    typealias Reply = ConsoleTests.Reply

    /// `muster run` with the console on a port of its own (plain http allowed unless `secure`), over
    /// `district`; `mail` is added to muster.yaml's mail section.
    final class Console: @unchecked Sendable {
        let district: DaemonDistrict
        let daemon: DaemonProcess
        let port: Int
        var base: String { "http://127.0.0.1:\(port)" }

        init(_ district: DaemonDistrict, mail: String = "", secure: Bool = false, port: Int? = nil, arguments: [String] = []) throws {
            self.port = try port ?? ConsoleTests.freePort()
            var yaml = try String(contentsOfFile: district.config, encoding: .utf8)
            if !mail.isEmpty { yaml = yaml.replacingOccurrences(of: "mail:\n", with: "mail:\n" + mail) }
            try district.dir.write("muster.yaml", yaml + "console:\n  listen: 127.0.0.1:\(self.port)\n  insecure_http_on_loopback: \(!secure)\n")
            self.district = district
            daemon = try DaemonProcess(district, arguments: arguments, environment: ["MUSTER_CONSOLE_PASSWORD_HASH": ConsoleTests.hash])
            try daemon.waitForLog("console=listening")
        }

        deinit { daemon.signal(SIGKILL) }

        func signIn() async throws -> (cookie: String, csrf: String) {
            let r = try await ConsoleTests.curl(base + "/sign-in", form: ["password": ConsoleTests.password])
            let setCookie = try #require(r.header("set-cookie"), "\(r.status) \(r.body)\n\(daemon.log)")
            let cookie = String(setCookie.split(separator: ";")[0].dropFirst("muster_console=".count))
            let today = try await ConsoleTests.curl(base + "/today", cookie: cookie)
            return (cookie, String(try #require(today.body.firstMatch(of: /name="csrf" value="([^"]+)"/)).1))
        }
    }

    static func paused(_ district: DaemonDistrict) async throws -> String {
        try await district.sql("SELECT group_concat(rule, ',') FROM (SELECT rule FROM muster_paused_rules ORDER BY rule);")
    }

    /// Given a running console, when an organiser pauses `meeting` (ask, then confirm), then all sending,
    /// then resumes all, each step changes `muster_paused_rules` only when confirmed with the session's
    /// CSRF token, is logged with the session's number and client address, and shows on Stop, on Today
    /// and in `muster status`.
    @Test func stopPausesAndResumesARuleAndAllSendingOnlyOnceConfirmed() async throws {
        let run = try await offPool { try ConsoleTests.Running(insecure: true) }
        _ = try await offPool {
            eventually(20) { (try? run.district.sql("SELECT count(*) FROM muster_outbox WHERE state = 'sent'")) == "2" }
        }
        let a = try await ConsoleTests.signIn(run)
        let b = try await ConsoleTests.signIn(run)
        let base = run.base, district = run.district
        func post(_ form: [String: String], cookie: String? = nil) async throws -> Reply {
            try await ConsoleTests.curl(base + "/stop", cookie: cookie ?? a.cookie, form: form)
        }

        // The list: every rule running, a button for each and for all sending; nothing of a member.
        let list = try await ConsoleTests.curl(base + "/stop", cookie: a.cookie)
        #expect(list.status == 200)
        ConsoleTests.expectStrictHeaders(list, "/stop")
        for text in ["<button type=\"submit\" name=\"rule\" value=\"meeting\" class=\"other\">Pause meeting</button>",
                     "value=\"welcome\" class=\"other\">Pause welcome</button>", "value=\"*\" class=\"other\">Pause all sending</button>",
                     "All sending runs.", "<a href=\"/stop\" aria-current=\"page\">Stop</a>"] {
            #expect(list.body.contains(text), "\(text)\n\(list.body)")
        }
        #expect(!list.body.contains(ConsoleTests.member) && !list.body.contains("example.org"))

        // Asking shows what a pause does and a form to confirm it, and changes nothing.
        let ask = try await ConsoleTests.curl(base + "/stop?ask=pause&rule=meeting", cookie: a.cookie)
        #expect(ask.status == 200 && ask.body.contains("<h2>Pause meeting?</h2>") && ask.body.contains("Nothing more of meeting goes to the relay"))
        #expect(ask.body.contains("name=\"confirm\" value=\"yes\">Pause meeting now</button>") && ask.body.contains("name=\"csrf\" value=\"\(a.csrf)\""))
        #expect(try await Self.paused(district) == "")

        // A POST without the confirmation shows the confirmation; without the token, with another session's,
        // from another site, or without a session, it is refused; a rule that does not exist is refused (escaped).
        let unconfirmed = try await post(["csrf": a.csrf, "action": "pause", "rule": "meeting"])
        #expect(unconfirmed.status == 200 && unconfirmed.body.contains("Pause meeting now"))
        let noToken = try await post(["action": "pause", "rule": "meeting", "confirm": "yes"])
        let otherToken = try await post(["csrf": b.csrf, "action": "pause", "rule": "meeting", "confirm": "yes"])
        let crossSite = try await ConsoleTests.curl(base + "/stop", cookie: a.cookie, form: ["csrf": a.csrf, "action": "pause", "rule": "meeting", "confirm": "yes"],
                                                    extra: ["-H", "Sec-Fetch-Site: cross-site"])
        #expect([noToken.status, otherToken.status, crossSite.status] == [Int](repeating: 403, count: 3))
        let noSession = try await ConsoleTests.curl(base + "/stop", form: ["csrf": a.csrf, "action": "pause", "rule": "*", "confirm": "yes"])
        #expect(noSession.status == 303 && noSession.header("location") == "/sign-in")
        let unknown = try await post(["csrf": a.csrf, "action": "pause", "rule": "no<b>such", "confirm": "yes"])
        #expect(unknown.status == 400 && unknown.body.contains("There is no rule called &quot;no&lt;b&gt;such&quot;"), "\(unknown.body)")
        let badAction = try await post(["csrf": a.csrf, "action": "delete", "rule": "meeting", "confirm": "yes"])
        #expect(badAction.status == 400)
        #expect(try await Self.paused(district) == "")

        // Confirmed: paused, back to Stop (303, so a reload does not repeat it), which says so.
        let done = try await post(["csrf": a.csrf, "action": "pause", "rule": "meeting", "confirm": "yes"])
        #expect(done.status == 303 && done.header("location") == "/stop?done=paused&rule=meeting", "\(done.status) \(done.body)")
        #expect(try await Self.paused(district) == "meeting")
        let after = try await ConsoleTests.curl(base + "/stop?done=paused&rule=meeting", cookie: a.cookie)
        #expect(after.body.contains("meeting is paused: nothing more of it goes to the relay."))
        #expect(after.body.contains("value=\"meeting\">Resume meeting</button>") && after.body.contains("Paused since"))
        let again = try await post(["csrf": a.csrf, "action": "pause", "rule": "meeting", "confirm": "yes"])
        #expect(again.header("location") == "/stop?done=already_paused&rule=meeting")

        // Today says what is paused; so does `muster status` (the same table `muster pause` writes).
        let today = try await ConsoleTests.curl(base + "/today", cookie: a.cookie)
        #expect(today.body.contains("Paused: meeting. Nothing of it goes to the relay until it is resumed on <a href=\"/stop\">Stop</a>."), "\(today.body)")
        #expect(today.body.contains("<td>meeting (paused)</td>") && today.body.contains("<h2>Paused rules</h2>"))
        #expect(today.body.contains("<caption>Rules paused, and the queued messages that wait for them to be resumed</caption>"))
        let config = district.config, dir = district.dir.path
        let status = try await offPool { try MusterBinary.run(["status", "--config", config], in: dir) }
        #expect(status.stdout.contains("Paused (nothing of these goes to the relay until 'muster resume')") && status.stdout.contains("  meeting "), "\(status.stdout)")

        // All sending, then resuming all: both rows go.
        let askAll = try await ConsoleTests.curl(base + "/stop?ask=pause&rule=%2A", cookie: a.cookie)
        #expect(askAll.body.contains("<h2>Pause all sending?</h2>") && askAll.body.contains("Nothing more of any rule goes to the relay"), "\(askAll.body)")
        _ = try await post(["csrf": a.csrf, "action": "pause", "rule": "*", "confirm": "yes"])
        #expect(try await Self.paused(district) == "*,meeting")
        let allPaused = try await ConsoleTests.curl(base + "/today", cookie: a.cookie)
        #expect(allPaused.body.contains("All sending is paused.") && allPaused.body.contains("<td>All sending</td>"))
        #expect(allPaused.body.contains("<td>welcome</td>") && allPaused.body.contains("<td>meeting (paused)</td>"), "all sending is said once, a rule's own pause beside it")
        let resumeOne = try await ConsoleTests.curl(base + "/stop?ask=resume&rule=meeting", cookie: a.cookie)
        #expect(resumeOne.body.contains("All sending stays paused: meeting waits until that is resumed too."))
        let resumed = try await post(["csrf": a.csrf, "action": "resume", "rule": "*", "confirm": "yes"])
        #expect(resumed.header("location") == "/stop?done=resumed&rule=%2A")
        let resumedPage = try await ConsoleTests.curl(base + "/stop?done=resumed&rule=%2A", cookie: a.cookie)
        #expect(resumedPage.body.contains("All sending is resumed: what waited goes out as it falls due.") && resumedPage.body.contains("All sending runs."))
        #expect(try await Self.paused(district) == "")
        let calm = try await ConsoleTests.curl(base + "/today", cookie: a.cookie)
        #expect(calm.body.contains("No rule is paused.") && !calm.body.contains("(paused)"))
        let notPaused = try await post(["csrf": a.csrf, "action": "resume", "rule": "welcome", "confirm": "yes"])
        #expect(notPaused.header("location") == "/stop?done=not_paused&rule=welcome")

        // The log: each act with the session's number and the client's address; refusals without the value sent.
        let log = run.daemon.log
        for line in ["console=pause rule=meeting status=paused waiting=0 session=1 client=127.0.0.1",
                     "console=pause rule=meeting status=already_paused waiting=0 session=1 client=127.0.0.1",
                     "console=pause rule=* status=paused waiting=0 session=1 client=127.0.0.1",
                     "console=resume rule=* status=resumed waiting=0 session=1 client=127.0.0.1",
                     "console=pause status=refused reason=unknown_rule session=1 client=127.0.0.1",
                     "console=stop status=refused reason=bad_form session=1 client=127.0.0.1",
                     "console=refused reason=csrf session=1 client=127.0.0.1 path=/stop"] {
            #expect(log.contains(line), "\(line)\n\(log)")
        }
        #expect(!log.contains("no<b>such") && !log.contains("example.org") && !log.contains(ConsoleTests.member))
    }

    /// Given a member limit of one a day and members who joined today (welcome due now) invited to two
    /// meetings whose reminders fall due today (one ten minutes ago, one this afternoon),
    /// when the organiser opens Today,
    /// then "Held by member limits" counts, for the meeting rule, what the limits did so far as
    /// `muster status` counts it and what they will do in the forecast as `muster plan` counts it.
    @Test func todayShowsWhatTheMemberLimitsHoldAsPlanAndStatusCountIt() async throws {
        let now = "2026-11-23T09:00:00Z"
        let district = try await DaemonDistrict.make(transport: "file:outbox/")
        try await district.sql("""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3)
            INSERT INTO members(id, membership_number, first_name, email, status, joined_on)
              SELECT 10 + i, 'L' || i, 'L' || i, 'l' || i || '@example.org', 'active', '2026-11-23' FROM n;
            INSERT INTO events(id, kind, title, starts_at) VALUES
              (1, 'meeting', 'Soon', '2026-11-24T08:50:00Z'), (2, 'meeting', 'Later', '2026-11-24T15:00:00Z');
            """)
        let run = try await offPool { try Console(district, mail: "  per_member: { day: 1 }\n", arguments: ["--now", now]) }
        _ = try await offPool { try run.daemon.waitForLog("pass=everything reason=start") }
        let a = try await run.signIn()
        let today = try await ConsoleTests.curl(run.base + "/today", cookie: a.cookie)
        #expect(today.status == 200)
        #expect(today.body.contains("Each member hears at most 1 a day (mail.per_member), across all rules."), "\(today.body)")
        let row = try #require(today.body.firstMatch(of: /<tr><td>meeting<\/td><td class="n">(\d+)<\/td><td class="n">(\d+)<\/td><td class="n">(\d+)<\/td><td class="n">(\d+)<\/td><\/tr>/), "\(today.body)")
        let page = (moved: Int(row.1)!, held: Int(row.2)!, movedSoFar: Int(row.3)!, heldSoFar: Int(row.4)!)

        let config = district.config, dir = district.dir.path
        let (plan, status) = try await offPool {
            (try MusterBinary.run(["plan", "--config", config, "--now", now, "--days", "7", "--limit", "0"], in: dir).stdout,
             try MusterBinary.run(["status", "--config", config], in: dir).stdout)
        }
        let planned = try #require(plan.firstMatch(of: /\n  meeting +\d+ .*\(member limit: (\d+) moved, (\d+) held\)/), "\(plan)")
        let counted = try #require(status.firstMatch(of: /\nmeeting +(\d+) +(\d+)\n/), "\(status)")
        #expect(page.moved == Int(planned.1)! && page.held == Int(planned.2)!, "page \(page), plan:\n\(plan)")
        #expect(page.movedSoFar == Int(counted.1)! && page.heldSoFar == Int(counted.2)!, "page \(page), status:\n\(status)")
        // Both halves have something to show: the outbox holds the sooner meeting's three reminders held back;
        // the forecast, like `muster plan`, counts those (still due today) and the later meeting's three.
        #expect(page.moved + page.held == 6 && page.movedSoFar + page.heldSoFar == 3, "\(page)")
        #expect(!today.body.contains("l1@example.org"))
    }
}
}
