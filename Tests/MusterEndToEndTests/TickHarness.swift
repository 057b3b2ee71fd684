// A district in a temporary folder, wired to a real SMTP server: muster.yaml, the database, ticks.
import Foundation
import GRDB
import Logging
import MusterCore
import MusterDaemon
import MusterStore
import MusterTestSupport

/// One test's district: a muster.yaml in a temporary folder pointing at `smtpURL` with `tls: none`,
/// the shipped schedules and templates (or the ones given), and a database the test fills.
///
///     let server = try SMTPTestServer()
///     let h = try TickHarness(smtpURL: server.url)
///     try h.fillDemo(members: 40, seed: 7, now: t0)
///     let summary = try await h.tick(t0)
struct TickHarness {
    let dir: TemporaryDirectory
    let configPath: String
    let config: Config

    init(smtpURL: String, schedules: String = Repository.path("schedules"), templates: String = Repository.path("templates"),
         mailExtra: String = "") throws {
        dir = try TemporaryDirectory()
        configPath = try dir.write("muster.yaml", """
            organisation: { name: Dorset NEU, timezone: Europe/London, website: https://example.org }
            database: muster.sqlite
            schedules: \(schedules)/
            templates: \(templates)/
            mail:
              from: "Dorset NEU <organising@example.org>"
              transport: \(smtpURL)
              tls: none
            \(mailExtra)
            """)
        config = try Config.load(path: configPath, environment: [:])
    }

    var store: Store { get throws { try Store(path: config.database) } }

    @discardableResult
    func fillDemo(members: Int, seed: UInt64, now: Date) throws -> DemoSummary {
        try DemoDistrict.fill(store: try store, members: members, seed: seed, now: now)
    }

    /// Loads the district as `muster tick` does and builds an engine with the configured transport.
    func engine() throws -> Engine {
        let district = try District.load(config: config)
        var logger = Logger(label: "muster-e2e") { _ in SwiftLogNoOpLogHandler() }
        logger.logLevel = .critical
        return Engine(district: district, transport: try config.makeTransport(environment: [:]), links: nil, logger: logger)
    }

    /// One tick at `now`, as `muster tick --now` does it.
    @discardableResult
    func tick(_ now: Date, engine: Engine? = nil) async throws -> PassSummary {
        let e = try engine ?? self.engine()
        try e.recover(now: now)
        return try await e.pass(now: now)
    }

    func execute(_ sql: String, _ arguments: StatementArguments = []) throws {
        try (try store).pool.write { db in try db.execute(sql: sql, arguments: arguments) }
    }

    /// The first column of every row `sql` selects, as text.
    func strings(_ sql: String) throws -> [String] {
        try (try store).pool.read { db in try String.fetchAll(db, sql: sql) }
    }

    func outbox() throws -> [OutboxRow] {
        try (try store).pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, rule, step, member_id, state, message_id, recipient, reason, last_reply, attempts,
                       next_attempt_at, message FROM muster_outbox
                LEFT JOIN muster_outbox_messages ON outbox_id = id ORDER BY id
                """).map(OutboxRow.init)
        }
    }

    /// Runs the debug binary with `--config` this district's muster.yaml.
    func runBinary(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try runProcess([Repository.path(".build/debug/muster")] + arguments + ["--config", configPath])
    }
}

/// The columns of `muster_outbox` the tests look at.
struct OutboxRow: Sendable {
    var id: Int64
    var rule: String
    var step: Int
    var memberID: Int64
    var state: String
    var messageID: String
    var recipient: String?
    var reason: String?
    var lastReply: String?
    var attempts: Int
    var nextAttemptAt: String
    var message: Data?

    init(_ row: Row) {
        id = row["id"]; rule = row["rule"]; step = row["step"]; memberID = row["member_id"]; state = row["state"]
        messageID = row["message_id"]; recipient = row["recipient"]; reason = row["reason"]; lastReply = row["last_reply"]
        attempts = row["attempts"]; nextAttemptAt = row["next_attempt_at"]; message = row["message"]
    }
}

/// `2026-11-23T09:00:00Z` as a Date (the tests' fixed clocks).
func instant(_ text: String) -> Date {
    ISOTime.parseInstant(text)!
}

/// A port on loopback where nothing listens.
func closedPort() throws -> Int {
    let r = try runProcess(["python3", "-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])"])
    return Int(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))!
}

/// Headers and text of received messages as Python's `email` package (policy.default) reads them:
/// one JSON object per file with `to`, `subject`, `bcc`, `text` (the decoded text/plain part, LF line ends), `types`.
struct ParsedMail: Decodable, Sendable {
    var to: String
    var subject: String
    var bcc: String?
    var text: String
    var types: [String]
    var maxLine: Int

    static func parse(_ paths: [String]) throws -> [ParsedMail] {
        let script = """
            import json, sys
            from email import message_from_bytes, policy
            for path in sys.argv[1:]:
                raw = open(path, 'rb').read()
                m = message_from_bytes(raw, policy=policy.default)
                body = m.get_body(preferencelist=('plain',))
                print(json.dumps({'to': str(m['To']), 'subject': str(m['Subject']),
                    'bcc': None if m['Bcc'] is None else str(m['Bcc']),
                    'text': body.get_content().replace('\\r\\n', '\\n') if body is not None else '',
                    'types': [p.get_content_type() for p in m.walk()],
                    'maxLine': max(len(l) for l in raw.split(b'\\r\\n'))}))
            """
        let r = try runProcess(["python3", "-c", script] + paths)
        guard r.status == 0 else { throw TestSupportError("python3 parse failed: \(r.stderr)") }
        return try r.stdout.split(separator: "\n").map { try JSONDecoder().decode(ParsedMail.self, from: Data($0.utf8)) }
    }
}

extension TickHarness {
    /// A workplace, one active member per address (ids 1, 2, ... in order, joined long ago) and one
    /// district-wide meeting, event 1, starting at `starts`.
    func seedMeeting(emails: [String], starts: String = "2030-12-11T18:30:00Z") throws {
        try execute("INSERT INTO workplaces(id, name, kind) VALUES (1, 'Wareham Primary', 'primary')")
        for (i, email) in emails.enumerated() {
            try execute("""
                INSERT INTO members(id, membership_number, first_name, last_name, email, workplace_id, status, joined_on)
                VALUES (?, ?, ?, 'Member', ?, 1, 'active', '2020-01-06')
                """, [i + 1, "DN\(i + 1)", "Member\(i + 1)", email])
        }
        try execute("""
            INSERT INTO events(id, kind, title, starts_at, ends_at, location, workplace_id, description)
            VALUES (1, 'meeting', 'District meeting', ?, NULL, 'Wareham', NULL, 'Pay and workload.')
            """, [starts])
    }
}
