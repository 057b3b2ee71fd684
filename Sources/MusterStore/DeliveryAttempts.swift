// Delivery attempts counted by the class of the relay's reply (`muster_delivery_attempts`), for /metrics.
import Foundation
import GRDB
import MusterCore

/// Every delivery attempt muster has recorded, by `ReplyClass`: a counter that only grows, written in
/// the same transaction as the results it counts (`OutboxStore.record` and `replay`), so whichever
/// process delivers (`muster tick` or `muster run`) and however often it restarts, the console's
/// `muster_delivery_attempts_total` adds up to the outbox's `attempts`.
///
///     try DeliveryAttempts(store).counts()   // [.success: 19998, .transient: 3, .permanent: 1, .other: 0]
public struct DeliveryAttempts: Sendable {
    public let pool: DatabasePool

    public init(_ store: Store) { self.pool = store.pool }

    /// Attempts by class, every class present (0 when none).
    public func counts() throws -> [ReplyClass: Int] {
        try pool.read { db in
            var counts = Dictionary(uniqueKeysWithValues: ReplyClass.allCases.map { ($0, 0) })
            for row in try Row.fetchAll(db, sql: "SELECT class, attempts FROM muster_delivery_attempts") {
                if let c = ReplyClass(rawValue: row[0]) { counts[c] = row[1] }
            }
            return counts
        }
    }

    /// Adds `tally` to the counters, in the caller's transaction.
    static func add(_ tally: [ReplyClass: Int], _ db: Database) throws {
        for (c, n) in tally where n > 0 {
            try db.cachedStatement(sql: """
                INSERT INTO muster_delivery_attempts(class, attempts) VALUES (?, ?)
                ON CONFLICT(class) DO UPDATE SET attempts = attempts + excluded.attempts
                """).execute(arguments: [c.rawValue, n])
        }
    }

    /// `ReplyClass(reply:)` in SQL, over a reply column: for reading the outbox by reply class.
    public static func classSQL(_ column: String) -> String {
        "CASE substr(\(column), 1, 1) WHEN '2' THEN '2xx' WHEN '4' THEN '4xx' WHEN '5' THEN '5xx' ELSE 'other' END"
    }
}

extension Schema {
    /// v10: the counters. Attempts made before it are counted from the outbox, each entry's under the
    /// class of its last reply (the earlier replies of a retried entry were not kept).
    static func registerDeliveryAttempts(_ m: inout DatabaseMigrator) {
        m.registerMigration("v10-delivery-attempts", foreignKeyChecks: .immediate) { db in
            try db.execute(sql: """
                CREATE TABLE muster_delivery_attempts(
                    class TEXT PRIMARY KEY CHECK (class IN ('2xx','4xx','5xx','other')),
                    attempts INTEGER NOT NULL DEFAULT 0
                );
                INSERT INTO muster_delivery_attempts(class, attempts)
                    SELECT \(DeliveryAttempts.classSQL("last_reply")), sum(attempts) FROM muster_outbox
                    WHERE attempts > 0 GROUP BY 1;
                """)
        }
    }
}
