// A small district in a real SQLite file, a signer with known secrets, and a fixed clock, for the link tests.
import Foundation
import GRDB
import Hummingbird
import Logging
import MusterCore
import MusterStore
import MusterTestSupport
@testable import MusterLinks

/// Members 17 and 18, ballot 3 (both eligible, neither voted), ballot 4 (only 18), event 5, and queued mail for member 17:
/// outbox 1 ballots (ballot 3), 2 meetings (event 5), 3 newsletter, 4 ballots already sent; 5 ballots for member 18.
struct LinksFixture {
    static let now = ISOTime.parseInstant("2026-11-23T09:00:00Z")!
    static let newSecret = "new-secret-0123456789-0123456789-abcdef"
    static let oldSecret = "old-secret-0123456789-0123456789-abcdef"
    static let organisation = Organisation(name: "Dorset NEU", timezone: "Europe/London")

    let dir: TemporaryDirectory
    let store: Store
    let signer: LinkSigner

    init(secrets: [String] = [LinksFixture.newSecret]) throws {
        dir = try TemporaryDirectory()
        store = try Store(path: dir.file("muster.sqlite"))
        signer = LinkSigner(secrets: try LinkSecrets(secrets), baseURL: "https://links.example.org/")
        try store.pool.write { db in
            try db.execute(sql: """
                INSERT INTO members(id, membership_number, first_name, email) VALUES
                    (17, 'M017', 'Sam', 'sam@example.org'), (18, 'M018', 'Ash', 'ash@example.org');
                INSERT INTO ballots(id, title, opens_at, closes_at) VALUES
                    (3, 'Pay ballot', '2026-11-20T08:00:00Z', '2026-12-04T17:00:00Z'),
                    (4, 'Other ballot', '2026-11-20T08:00:00Z', '2026-12-04T17:00:00Z');
                INSERT INTO ballot_members(ballot_id, member_id) VALUES (3, 17), (3, 18), (4, 18);
                INSERT INTO events(id, kind, title, starts_at) VALUES
                    (5, 'meeting', 'District meeting', '2026-12-01T18:00:00Z');
                """)
            for (id, member, topic, ballot, event, state) in [
                (1, 17, "ballots", 3, nil, "queued"), (2, 17, "meetings", nil, 5, "queued"),
                (3, 17, "newsletter", nil, nil, "queued"), (4, 17, "ballots", 3, nil, "sent"),
                (5, 18, "ballots", 3, nil, "queued"),
            ] as [(Int, Int, String, Int?, Int?, String)] {
                try db.execute(sql: """
                    INSERT INTO muster_outbox(id, dedupe_key, rule, step, member_id, event_id, ballot_id, topic, state,
                        due_at, next_attempt_at, message_id, created_at, updated_at)
                    VALUES (?, ?, 'r', 0, ?, ?, ?, ?, ?, '2026-11-24T08:00:00Z', '2026-11-24T08:00:00Z', ?, ?, ?)
                    """, arguments: [id, "k\(id)", member, event, ballot, topic, state, "<\(id)@x>",
                                     "2026-11-22T00:00:00Z", "2026-11-22T00:00:00Z"])
            }
        }
    }

    func app(now: Date = LinksFixture.now, logger: Logger = Logger(label: "links-test"), limits: ListenerLimits = ListenerLimits(),
             onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        try makeLinksApplication(
            config: LinksConfig(baseURL: "https://links.example.org", listen: "127.0.0.1:0"), store: store,
            signer: signer, organisation: Self.organisation, logger: logger, now: { now }, limits: limits,
            onServerRunning: onServerRunning)
    }

    /// `id state reason` of every outbox row, in id order.
    func outbox() throws -> [String] {
        try store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, state, reason FROM muster_outbox ORDER BY id").map { row in
                "\(row["id"] as Int64) \(row["state"] as String) \((row["reason"] as String?) ?? "-")"
            }
        }
    }

    /// `member topic` of every unsubscribe row.
    func suppressions() throws -> [String] {
        try store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT member_id, topic FROM muster_suppressions WHERE kind = 'unsubscribed' ORDER BY member_id, topic")
                .map { "\($0["member_id"] as Int64) \($0["topic"] as String)" }
        }
    }

    /// `ballot member voted_at` of every ballot member.
    func votes() throws -> [String] {
        try store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT ballot_id, member_id, voted_at FROM ballot_members ORDER BY ballot_id, member_id")
                .map { "\($0["ballot_id"] as Int64) \($0["member_id"] as Int64) \(($0["voted_at"] as String?) ?? "-")" }
        }
    }

    /// `event member status` of every registration.
    func registrations() throws -> [String] {
        try store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT event_id, member_id, status FROM registrations ORDER BY event_id, member_id")
                .map { "\($0["event_id"] as Int64) \($0["member_id"] as Int64) \($0["status"] as String)" }
        }
    }

    /// Everything the links may change, as one comparable snapshot.
    func snapshot() throws -> [String] {
        try outbox() + ["--"] + suppressions() + ["--"] + votes() + ["--"] + registrations()
    }

    static let pristine = [
        "1 queued -", "2 queued -", "3 queued -", "4 sent -", "5 queued -", "--", "--", "3 17 -", "3 18 -", "4 18 -", "--",
    ]
}
