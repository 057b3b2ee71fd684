// A small district for the reps' lists, run through the muster binary against the real SMTP server:
// two workplaces with a rep each, a third where everyone has voted, one open ballot, one meeting.
import Foundation
import MusterLinks
import MusterTestSupport

/// The district: Hillside (rep Rita, id 1; Amy Able 3 and Carl Zed 2 not voted, Vic 4 voted, Nina 5
/// new), Oak (rep Oscar, id 7; Olga 6 not voted, Ned 8 new), Elm (rep Erin, id 9; Ed 10 voted).
/// Ballot 1 "Pay ballot" closes 2026-12-10 17:00Z, threshold 50%; meeting 1 on 2026-12-03, Amy and
/// Olga registered.
struct RepListsDistrict {
    static let secret = String(repeating: "reps-lists-secret-", count: 3)
    static let addresses = (1...10).map { "m\($0)@example.org" }

    let dir: TemporaryDirectory
    let server: SMTPTestServer
    let port: Int

    var env: [String: String] { ["MUSTER_LINK_SECRET": Self.secret] }
    var database: String { dir.file("muster.sqlite") }

    /// `rules` are written to schedules/ as they are given (file name → YAML).
    init(seeNames: Bool, rules: [String: String]) throws {
        dir = try TemporaryDirectory()
        server = try SMTPTestServer()
        port = try Self.freePort()
        try dir.write("muster.yaml", """
            organisation: { name: Test District, timezone: Europe/London }
            database: muster.sqlite
            templates: \(Repository.path("templates"))
            mail:
              from: "Test District <organising@example.org>"
              transport: \(server.url)
              tls: none
            links:
              base_url: http://127.0.0.1:\(port)
              listen: 127.0.0.1:\(port)
              secret_env: MUSTER_LINK_SECRET
            \(seeNames ? "reps: { see_names: true }" : "")

            """)
        for (name, yaml) in rules { try dir.write("schedules/\(name).yaml", yaml) }
        let initResult = try MusterBinary.run(["init"], in: dir.path, environment: env)
        guard initResult.status == 0 else { throw TestSupportError("init failed: \(initResult.stderr)") }
        try sql("""
            INSERT INTO workplaces(id, name) VALUES (1, 'Hillside Primary'), (2, 'Oak Academy'), (3, 'Elm School');
            INSERT INTO members(id, membership_number, first_name, last_name, email, workplace_id, role, status, joined_on) VALUES
              (1, 'N1', 'Rita', 'Rep', 'm1@example.org', 1, 'teacher', 'active', '2015-01-01'),
              (2, 'N2', 'Carl', 'Zed', 'm2@example.org', 1, 'teacher', 'active', '2019-01-01'),
              (3, 'N3', 'Amy', 'Able', 'm3@example.org', 1, 'teaching assistant', 'active', '2020-01-01'),
              (4, 'N4', 'Vic', 'Voted', 'm4@example.org', 1, 'teacher', 'active', '2018-01-01'),
              (5, 'N5', 'Nina', 'Newcombe', 'm5@example.org', 1, 'teacher', 'active', '2026-11-27'),
              (6, 'N6', 'Olga', 'Other', 'm6@example.org', 2, 'teacher', 'active', '2017-01-01'),
              (7, 'N7', 'Oscar', 'Rep', 'm7@example.org', 2, 'teacher', 'active', '2016-01-01'),
              (8, 'N8', 'Ned', 'Newman', 'm8@example.org', 2, 'teacher', 'active', '2026-11-28'),
              (9, 'N9', 'Erin', 'Rep', 'm9@example.org', 3, 'teacher', 'active', '2016-01-01'),
              (10, 'N10', 'Ed', 'Elm', 'm10@example.org', 3, 'teacher', 'active', '2016-01-01');
            INSERT INTO reps(member_id, workplace_id, role) VALUES (1, 1, 'workplace rep'), (7, 2, 'workplace rep'), (9, 3, 'workplace rep');
            INSERT INTO ballots(id, title, opens_at, closes_at, turnout_threshold) VALUES
              (1, 'Pay ballot', '2026-11-23T09:00:00Z', '2026-12-10T17:00:00Z', 0.5);
            INSERT INTO ballot_members(ballot_id, member_id, voted_at) VALUES
              (1, 2, NULL), (1, 3, NULL), (1, 4, '2026-11-24T10:00:00Z'), (1, 6, NULL), (1, 10, '2026-11-24T10:00:00Z');
            INSERT INTO events(id, kind, title, starts_at, ends_at, location) VALUES
              (1, 'meeting', 'District meeting', '2026-12-03T18:30:00Z', '2026-12-03T20:00:00Z', 'Corn Exchange');
            INSERT INTO registrations(event_id, member_id, status) VALUES (1, 3, 'registered'), (1, 6, 'registered');
            """)
    }

    @discardableResult
    func sql(_ statements: String) throws -> String {
        let r = try runProcess(["sqlite3", database, statements])
        guard r.status == 0 else { throw TestSupportError("sqlite3: \(r.stderr)") }
        return r.stdout
    }

    func tick(_ now: String) throws {
        let r = try MusterBinary.run(["tick", "--now", now], in: dir.path, environment: env)
        guard r.status == 0 else { throw TestSupportError("tick failed: \(r.stdout)\n\(r.stderr)") }
    }

    /// Each received message's recipient and its whole decoded text (headers, plain and HTML parts).
    func delivered() throws -> [(to: String, text: String)] {
        try server.received().map { m in
            let r = try runProcess(["python3", "-c", """
                import email, email.policy, sys
                m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default)
                parts = [str(m['Subject'])]
                for p in m.walk():
                    if p.get_content_maintype() == 'text':
                        parts.append(p.get_content())
                print('\\n'.join(parts))
                """, server.directory.file(m.file)])
            guard r.status == 0 else { throw TestSupportError("cannot read \(m.file): \(r.stderr)") }
            return (m.rcptTos.joined(separator: ","), r.stdout.replacingOccurrences(of: "\r\n", with: "\n"))
        }
    }

    /// The `mark_voted` link on the line after `name` in a plain-text rep message.
    static func markVotedLink(after name: String, in text: String) -> String? {
        let lines = text.components(separatedBy: "\n")
        guard let i = lines.firstIndex(where: { $0.contains("- \(name)") }), i + 1 < lines.count,
              let range = lines[i + 1].range(of: #"https?://[^\s"<>]+/m/[^\s"<>]+"#, options: .regularExpression) else { return nil }
        return String(lines[i + 1][range])
    }

    /// A token signed with the district's secret, as muster would sign it.
    func sign(_ action: LinkAction, expires: Date?) throws -> String {
        LinkSigner(secrets: try LinkSecrets([Self.secret]), baseURL: nil).token(action, expires: expires)
    }

    /// `voted_at` per eligible member, then every vote report: what a refused request must leave alone.
    func votes() throws -> String {
        try sql("""
            SELECT member_id || ':' || ifnull(voted_at, '-') FROM ballot_members ORDER BY member_id;
            SELECT ballot_id || '/' || member_id || '/' || reported_by FROM muster_vote_reports ORDER BY id;
            """)
    }

    /// An HTTP request by curl: the status code and the body.
    func http(_ method: String, _ path: String) throws -> (status: Int, body: String) {
        let flag = method == "HEAD" ? ["-I"] : ["-X", method]
        let r = try runProcess(["curl", "-s", "-m", "10"] + flag + ["-w", "\n%{http_code}", "http://127.0.0.1:\(port)\(path)"])
        let lines = r.stdout.components(separatedBy: "\n")
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    /// Starts `muster run` at `now` and waits until it answers on its port. Blocking: call offPool.
    func startDaemon(now: String) throws -> Process {
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: try MusterBinary.require())
        daemon.arguments = ["run", "--config", dir.file("muster.yaml"), "--now", now]
        daemon.currentDirectoryURL = dir.url
        daemon.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        let log = dir.file("run.log")
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        daemon.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        daemon.standardOutput = FileHandle.nullDevice
        try daemon.run()
        guard eventually(20, { (try? http("GET", "/healthz").status) == 200 }) else {
            kill(daemon.processIdentifier, SIGKILL)
            throw TestSupportError("muster run did not answer: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        }
        return daemon
    }

    var runLog: String { (try? String(contentsOfFile: dir.file("run.log"), encoding: .utf8)) ?? "" }

    static func freePort() throws -> Int {
        let r = try runProcess(["python3", "-c", "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"])
        guard let port = Int(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestSupportError("no free port: \(r.stderr)")
        }
        return port
    }

    static let digestRule = """
        kind: recurring
        cron: "0 7 * * MON"
        audience: { rep: true }
        topic: newsletter
        template: reps-weekly

        """

    static let chaserRule = """
        kind: ballot
        recipients: not_voted
        topic: ballots
        steps:
          - { every: 1d, at: "09:00", template: ballot-reminder }
          - { before_close: 5d, at: "08:00", to: reps, template: ballot-reps-chase }

        """
}
