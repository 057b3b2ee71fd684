// The organiser's console through the real binary: `muster run` with the console on a port of its own,
// spoken to with curl as an attacker would, and /metrics read with Python's prometheus_client.
import Foundation
import MusterTestSupport
import Testing

extension DaemonProcessTests {
@Suite struct ConsoleTests {
    static let password = "correct horse battery"
    /// `muster console-password` of `password`, made once (bcrypt is slow on purpose).
    static let hash: String = {
        let r = try? runProcess(["sh", "-c", "printf '%s\\n' \"$0\" | \"$1\" console-password", password, (try? MusterBinary.require()) ?? "muster"])
        return r?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }()
    static let member = "Zebedee"

    /// A district whose welcome rule is due for two members at once, `muster run` serving links and the console.
    final class Running: @unchecked Sendable {
        let district: DaemonDistrict
        let daemon: DaemonProcess
        let console: Int
        let links: Int
        var base: String { "http://127.0.0.1:\(console)" }

        init(insecure: Bool = false) throws {
            let console = try ConsoleTests.freePort(), links = try ConsoleTests.freePort()
            self.console = console; self.links = links
            district = try DaemonDistrict(transport: "file:outbox/")
            let yaml = try String(contentsOfFile: district.config, encoding: .utf8)
            try district.dir.write("muster.yaml", yaml + """
                links:
                  base_url: http://127.0.0.1:\(links)
                  listen: 127.0.0.1:\(links)
                console:
                  listen: 127.0.0.1:\(console)
                  insecure_http_on_loopback: \(insecure)

                """)
            try district.sql("""
                INSERT INTO members(id, membership_number, first_name, last_name, email, status, joined_on) VALUES
                  (1, 'N1', '\(ConsoleTests.member)', 'Quill', 'zebedee@example.org', 'active', date('now')),
                  (2, 'N2', 'Ada', 'Byron', 'ada@example.org', 'active', date('now'));
                """)
            daemon = try DaemonProcess(district, environment: [
                "MUSTER_CONSOLE_PASSWORD_HASH": ConsoleTests.hash,
                "MUSTER_LINK_SECRET": String(repeating: "console-test-secret-", count: 3),
            ])
            try daemon.waitForLog("console=listening")
        }

        deinit { daemon.signal(SIGKILL) }
    }

    /// One HTTP exchange through curl: status, headers (lower-cased names), body, seconds taken.
    struct Reply {
        var status: Int
        var headers: [(String, String)]
        var body: String
        var seconds: Double
        func header(_ name: String) -> String? { headers.first { $0.0 == name }?.1 }
        func all(_ name: String) -> [String] { headers.filter { $0.0 == name }.map(\.1) }
    }

    static func curl(_ url: String, cookie: String? = nil, form: [String: String]? = nil, extra: [String] = []) async throws -> Reply {
        var args = ["curl", "-s", "-S", "-D", "-", "-o", "-", "--max-time", "20", "-w", "\n%{time_total}"]
        if let cookie { args += ["-b", "muster_console=\(cookie)"] }
        if let form {
            for (k, v) in form.sorted(by: { $0.key < $1.key }) { args += ["--data-urlencode", "\(k)=\(v)"] }
        }
        args += extra + [url]
        let command = args
        let r = try await offPool { try runProcess(command) }
        guard r.status == 0 else { throw TestSupportError("curl \(url) failed: \(r.stderr)") }
        var text = r.stdout
        let lastLine = text.range(of: "\n", options: .backwards)!
        let seconds = Double(text[lastLine.upperBound...]) ?? -1
        text = String(text[..<lastLine.lowerBound])
        let split = text.range(of: "\r\n\r\n")!
        let head = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let status = Int(head[0].split(separator: " ")[1]) ?? 0
        let headers = head.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return Reply(status: status, headers: headers, body: String(text[split.upperBound...]), seconds: seconds)
    }

    static func signIn(_ run: Running) async throws -> (cookie: String, csrf: String) {
        let r = try await curl(run.base + "/sign-in", form: ["password": password])
        #expect(r.status == 303, "\(r.body)\n\(run.daemon.log)")
        let setCookie = try #require(r.header("set-cookie"))
        let cookie = String(setCookie.split(separator: ";")[0].dropFirst("muster_console=".count))
        let today = try await curl(run.base + "/today", cookie: cookie)
        let csrf = try #require(today.body.firstMatch(of: /name="csrf" value="([^"]+)"/)).1
        return (cookie, String(csrf))
    }

    static func freePort() throws -> Int {
        let r = try runProcess(["python3", "-c", "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"])
        guard let port = Int(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else { throw TestSupportError("no free port: \(r.stderr)") }
        return port
    }

    static func expectStrictHeaders(_ r: Reply, _ what: String) {
        let csp = r.header("content-security-policy") ?? ""
        #expect(csp.hasPrefix("default-src 'none'; style-src 'sha256-"), "\(what): CSP \(csp)")
        #expect(csp.contains("frame-ancestors 'none'") && !csp.contains("script-src"), "\(what): CSP \(csp)")
        #expect(r.header("cache-control") == "no-store", "\(what)")
        #expect(r.header("x-content-type-options") == "nosniff", "\(what)")
    }

    @Test func consolePasswordHashesAPipedPasswordAndRunRefusesAMissingOrPlainHash() async throws {
        // Given the hash console-password printed for a piped password,
        #expect(Self.hash.hasPrefix("$2b$12$") && Self.hash.count == 60, "\(Self.hash)")
        let short = try runProcess(["sh", "-c", "echo short | \"$0\" console-password", try MusterBinary.require()])
        #expect(short.status != 0 && short.stderr.contains("at least 12 characters"))
        // When muster run starts with the variable unset, or holding the password itself,
        let district = try DaemonDistrict(transport: "file:outbox/")
        let yaml = try String(contentsOfFile: district.config, encoding: .utf8)
        try district.dir.write("muster.yaml", yaml + "console: { listen: \"127.0.0.1:0\", password_hash_env: TEST_CONSOLE_HASH }\n")
        let unset = try MusterBinary.run(["run"], in: district.dir.path)
        let plain = try MusterBinary.run(["run"], in: district.dir.path, environment: ["TEST_CONSOLE_HASH": "hunter2-is-my-password"])
        // Then each refuses to start, naming the variable and the mend, never printing its value.
        #expect(unset.status != 0)
        #expect(unset.stderr.contains("the environment variable TEST_CONSOLE_HASH (console.password_hash_env) is not set; make a hash with `muster console-password`"), "\(unset.stderr)")
        #expect(plain.status != 0)
        #expect(plain.stderr.contains("TEST_CONSOLE_HASH (console.password_hash_env) does not hold a bcrypt hash"), "\(plain.stderr)")
        #expect(!plain.stderr.contains("hunter2"))
    }

    @Test func withoutASessionEveryPageRedirectsToSignInAndShowsNoMember() async throws {
        let run = try Running()
        _ = try await offPool { try run.daemon.waitForLog("status=sent", timeout: 20) }
        for path in ["/", "/today", "/rules", "/today?rule=welcome", "/rules/"] {
            for cookie in [nil, "forged-\(path.count)", String(repeating: "A", count: 43)] {
                let r = try await Self.curl(run.base + path, cookie: cookie)
                if path == "/rules/" { #expect(r.status == 303 || r.status == 404, "\(path)") } else {
                    #expect(r.status == 303 && r.header("location") == "/sign-in", "\(path) \(cookie ?? "-"): \(r.status)")
                }
                #expect(!r.body.contains(Self.member) && !r.body.contains("example.org") && !r.body.contains("welcome"), "\(path): \(r.body)")
                Self.expectStrictHeaders(r, path)
            }
        }
        let post = try await Self.curl(run.base + "/sign-out", form: ["csrf": "x"])
        #expect(post.status == 303 && post.header("location") == "/sign-in")
        let page = try await Self.curl(run.base + "/sign-in")
        #expect(page.status == 200 && page.body.contains("type=\"password\"") && !page.body.contains(Self.member))
        for r in [page, post, try await Self.curl(run.base + "/nothing-here"), try await Self.curl(run.base + "/metrics")] {
            Self.expectStrictHeaders(r, "status \(r.status)")
        }
        // And no console path answers on the links listener.
        for path in ["/sign-in", "/today", "/rules", "/metrics", "/"] {
            let r = try await Self.curl("http://127.0.0.1:\(run.links)\(path)")
            #expect(r.status == 404, "links \(path): \(r.status)")
            #expect(!r.body.contains("muster console") && !r.body.contains("muster_outbox"), "links \(path)")
        }
        let signIn = try await Self.curl("http://127.0.0.1:\(run.links)/sign-in", form: ["password": Self.password])
        #expect(signIn.status == 404 && signIn.header("set-cookie") == nil)
    }

    @Test func aWrongPasswordIsRefusedAndSlowedAndTheRightOneGivesAStrictCookie() async throws {
        let run = try Running()
        // A first wrong password is answered after about a second;
        let first = try await Self.curl(run.base + "/sign-in", form: ["password": "wrong horse battery"])
        #expect(first.status == 401 && first.header("set-cookie") == nil && first.body.contains("That password is not right."))
        #expect(first.seconds >= 1.0, "first refusal after \(first.seconds) s")
        // of two more sent together, one is checked and answered after two seconds, the other refused unchecked.
        let base = run.base
        async let x = Self.curl(base + "/sign-in", form: ["password": "still wrong battery"])
        async let y = Self.curl(base + "/sign-in", form: ["password": "still wrong battery"])
        let pair = try await [x, y].sorted { $0.status < $1.status }
        #expect(pair.map(\.status) == [401, 429], "\(pair.map(\.status))")
        #expect(pair[0].seconds >= 2.0, "second refusal after \(pair[0].seconds) s")
        #expect(pair[1].header("retry-after") != nil && pair[1].header("set-cookie") == nil)
        print("console sign-in: wrong password answered after \(first.seconds) s; the next after \(pair[0].seconds) s; one sent alongside: \(pair[1].status) in \(pair[1].seconds) s")
        // The log names the client address and counts, never the password.
        #expect(run.daemon.log.contains("console=sign_in status=refused client=127.0.0.1 failures=2 delay_ms=2000"))
        #expect(!run.daemon.log.contains("wrong horse") && !run.daemon.log.contains("still wrong"))

        try await Task.sleep(for: .seconds(0.3))
        let good = try await Self.curl(run.base + "/sign-in", form: ["password": Self.password])
        #expect(good.status == 303 && good.header("location") == "/today", "\(good.status) \(good.body)")
        let cookie = try #require(good.header("set-cookie"))
        let parts = cookie.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        let id = parts[0].dropFirst("muster_console=".count)
        #expect(parts[0].hasPrefix("muster_console=") && id.count == 43, "\(cookie)")
        #expect(Set(parts.dropFirst()) == ["Path=/", "HttpOnly", "SameSite=Strict", "Secure"], "\(cookie)")
        let today = try await Self.curl(run.base + "/today", cookie: String(id))
        #expect(today.status == 200 && today.body.contains("Due to go out") && !today.body.contains("plain http"))
        Self.expectStrictHeaders(today, "/today")
        let rules = try await Self.curl(run.base + "/rules", cookie: String(id))
        #expect(rules.status == 200 && rules.body.contains("Audience now") && rules.body.contains("Sample of step 1"), "\(rules.body)")
        Self.expectStrictHeaders(rules, "/rules")
    }

    @Test func postsWithoutOrWithAnotherSessionsTokenAreRefusedAndChangeNothing() async throws {
        let run = try Running(insecure: true)
        let a = try await Self.signIn(run)
        let b = try await Self.signIn(run)
        #expect(a.csrf != b.csrf && a.cookie != b.cookie)
        // When A's cookie signs out with no token, B's token, or from another site,
        let none = try await Self.curl(run.base + "/sign-out", cookie: a.cookie, form: [:], extra: ["-X", "POST"])
        let other = try await Self.curl(run.base + "/sign-out", cookie: a.cookie, form: ["csrf": b.csrf])
        let crossSite = try await Self.curl(run.base + "/sign-out", cookie: a.cookie, form: ["csrf": a.csrf], extra: ["-H", "Sec-Fetch-Site: cross-site"])
        // Then each is refused and A is still signed in.
        for r in [none, other, crossSite] {
            #expect(r.status == 403 && r.header("set-cookie") == nil, "\(r.status)")
            Self.expectStrictHeaders(r, "refused POST")
        }
        let still = try await Self.curl(run.base + "/today", cookie: a.cookie)
        #expect(still.status == 200 && still.body.contains("plain http on this computer only"))
        #expect(run.daemon.log.contains("console=refused reason=csrf session=1 client=127.0.0.1 path=/sign-out"))
        // A page that takes no POST says so, even with the right token.
        let wrongMethod = try await Self.curl(run.base + "/today", cookie: a.cookie, form: ["csrf": a.csrf])
        #expect(wrongMethod.status == 405)
        // With its own token A signs out: its cookie no longer opens anything; B's still does.
        let out = try await Self.curl(run.base + "/sign-out", cookie: a.cookie, form: ["csrf": a.csrf])
        #expect(out.status == 303 && (out.header("set-cookie") ?? "").contains("Max-Age=0"))
        let after = try await Self.curl(run.base + "/today", cookie: a.cookie)
        #expect(after.status == 303 && after.header("location") == "/sign-in")
        let stillB = try await Self.curl(run.base + "/today", cookie: b.cookie)
        #expect(stillB.status == 200)
    }

    @Test func metricsParseWithPrometheusClientAndMatchTheOutbox() async throws {
        let run = try Running()
        _ = try await offPool {
            eventually(20) { (try? run.district.sql("SELECT count(*) FROM muster_outbox WHERE state = 'sent'")) == "2" }
        }
        let r = try await Self.curl(run.base + "/metrics")
        #expect(r.status == 200 && (r.header("content-type") ?? "").hasPrefix("text/plain; version=0.0.4"))
        #expect(!r.body.contains("example.org") && !r.body.contains(Self.member))
        let file = try run.district.dir.write("metrics.txt", r.body)
        let parsed = try runProcess(["python3", "-c", """
            import sys
            from prometheus_client.parser import text_string_to_metric_families
            for family in text_string_to_metric_families(open(sys.argv[1]).read()):
                for s in family.samples:
                    if s.name == 'muster_outbox_messages' and s.value:
                        print(f"{s.labels['rule']}|{s.labels['state']}|{int(s.value)}")
                    elif s.name in ('muster_outbox_due_messages', 'muster_last_pass_duration_seconds'):
                        print(f"{s.name}|{s.value > 0}")
            """, file])
        #expect(parsed.status == 0, "\(parsed.stderr)")
        let district = run.district
        let outbox = try await offPool { try district.sql("SELECT rule || '|' || state || '|' || count(*) FROM muster_outbox GROUP BY rule, state ORDER BY 1") }
        let lines = parsed.stdout.split(separator: "\n").map(String.init)
        let rows = lines.filter { !$0.hasPrefix("muster_") }.sorted().joined(separator: "\n")
        #expect(rows == outbox)
        #expect(outbox == "welcome|sent|2")
        #expect(lines.contains("muster_outbox_due_messages|False") && lines.contains("muster_last_pass_duration_seconds|True"), "\(lines)")
    }
}
}
