// The database schema: DESIGN.md's tables, which outside tools fill too, and muster's own `muster_*` state.
import GRDB

/// Versioned migrations. A migration, once released, is never edited: add a new one.
public enum Schema {
    public static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-district") { db in
            try db.execute(sql: """
                CREATE TABLE workplaces(
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    kind TEXT,
                    town TEXT,
                    staff_count INTEGER
                );
                CREATE TABLE members(
                    id INTEGER PRIMARY KEY,
                    membership_number TEXT NOT NULL UNIQUE,
                    first_name TEXT NOT NULL,
                    last_name TEXT,
                    email TEXT,
                    workplace_id INTEGER REFERENCES workplaces(id) ON DELETE SET NULL,
                    role TEXT,
                    section TEXT,
                    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','lapsed','left')),
                    joined_on TEXT,
                    timezone TEXT,
                    email_opt_out INTEGER NOT NULL DEFAULT 0 CHECK (email_opt_out IN (0,1))
                );
                CREATE INDEX members_workplace ON members(workplace_id);
                CREATE INDEX members_joined_on ON members(joined_on);
                CREATE INDEX members_section ON members(section);
                CREATE TABLE reps(
                    member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
                    workplace_id INTEGER NOT NULL REFERENCES workplaces(id) ON DELETE CASCADE,
                    role TEXT NOT NULL DEFAULT 'workplace rep',
                    PRIMARY KEY (member_id, workplace_id, role)
                );
                CREATE INDEX reps_workplace ON reps(workplace_id);
                CREATE TABLE events(
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL,
                    title TEXT NOT NULL,
                    starts_at TEXT NOT NULL,
                    ends_at TEXT,
                    location TEXT,
                    url TEXT,
                    workplace_id INTEGER REFERENCES workplaces(id) ON DELETE SET NULL,
                    description TEXT
                );
                CREATE INDEX events_starts_at ON events(starts_at);
                CREATE TABLE registrations(
                    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
                    member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
                    status TEXT NOT NULL DEFAULT 'registered'
                        CHECK (status IN ('registered','cancelled','attended')),
                    PRIMARY KEY (event_id, member_id)
                );
                CREATE INDEX registrations_member ON registrations(member_id);
                CREATE TABLE ballots(
                    id INTEGER PRIMARY KEY,
                    title TEXT NOT NULL,
                    opens_at TEXT NOT NULL,
                    closes_at TEXT NOT NULL,
                    turnout_threshold REAL,
                    url TEXT
                );
                CREATE TABLE ballot_members(
                    ballot_id INTEGER NOT NULL REFERENCES ballots(id) ON DELETE CASCADE,
                    member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
                    voted_at TEXT,
                    PRIMARY KEY (ballot_id, member_id)
                );
                CREATE INDEX ballot_members_member ON ballot_members(member_id);
                """)
        }
        m.registerMigration("v2-muster-state") { db in
            // muster's own state. No foreign keys to the district's tables: a member deleted by an
            // outside tool must never take a planned or sent message's record with them.
            try db.execute(sql: """
                CREATE TABLE muster_meta(
                    key TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                );
                CREATE TABLE muster_rule_state(
                    rule TEXT PRIMARY KEY,
                    first_planned_at TEXT NOT NULL,
                    last_planned_at TEXT NOT NULL
                );
                CREATE TABLE muster_audience_entries(
                    rule TEXT NOT NULL,
                    member_id INTEGER NOT NULL,
                    entered_at TEXT NOT NULL,
                    baseline INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (rule, member_id)
                );
                CREATE TABLE muster_outbox(
                    id INTEGER PRIMARY KEY,
                    dedupe_key TEXT NOT NULL UNIQUE,
                    rule TEXT NOT NULL,
                    step INTEGER NOT NULL,
                    member_id INTEGER NOT NULL,
                    event_id INTEGER,
                    ballot_id INTEGER,
                    occurrence TEXT NOT NULL DEFAULT '',
                    topic TEXT NOT NULL DEFAULT '',
                    state TEXT NOT NULL DEFAULT 'queued'
                        CHECK (state IN ('queued','sending','sent','failed','expired','suppressed')),
                    due_at TEXT NOT NULL,
                    expires_at TEXT,
                    next_attempt_at TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    message_id TEXT NOT NULL,
                    recipient TEXT,
                    message BLOB,
                    last_reply TEXT,
                    reason TEXT,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    sent_at TEXT
                );
                CREATE INDEX muster_outbox_due ON muster_outbox(state, next_attempt_at);
                CREATE INDEX muster_outbox_member ON muster_outbox(member_id);
                CREATE TABLE muster_suppressions(
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL CHECK (kind IN ('unsubscribed','bounced','opted_out')),
                    member_id INTEGER,
                    email TEXT NOT NULL DEFAULT '',
                    topic TEXT NOT NULL DEFAULT '*',
                    reason TEXT,
                    created_at TEXT NOT NULL
                );
                CREATE UNIQUE INDEX muster_suppressions_unique
                    ON muster_suppressions(kind, ifnull(member_id, 0), email, topic);
                """)
        }
        // The bytes of a message are written once and read once or twice; its entry's state changes
        // several times. Kept in the same row, every state change rewrote the whole message into
        // the WAL (twice per delivery). In their own table, state changes touch small rows.
        // Foreign keys are checked as the migration's statements run, not over the whole file
        // afterwards (GRDB's default): a row that an outside tool left pointing at a deleted event
        // (sqlite3 does not enforce foreign keys unless told) must not stop muster from upgrading.
        m.registerMigration("v3-outbox-messages", foreignKeyChecks: .immediate) { db in
            try db.execute(sql: """
                CREATE TABLE muster_outbox_messages(
                    outbox_id INTEGER PRIMARY KEY REFERENCES muster_outbox(id) ON DELETE CASCADE,
                    message BLOB NOT NULL
                );
                INSERT INTO muster_outbox_messages(outbox_id, message)
                    SELECT id, message FROM muster_outbox WHERE message IS NOT NULL;
                ALTER TABLE muster_outbox DROP COLUMN message;
                """)
        }
        // Every change of a member's status that muster makes (an import's status column, a sync's
        // `left`), so that a mistaken import can be undone and the report can count who left when.
        // Immediate foreign key checks, as for v3: an outside tool's orphan row must not block the upgrade.
        m.registerMigration("v4-status-changes", foreignKeyChecks: .immediate) { db in
            try db.execute(sql: """
                CREATE TABLE muster_status_changes(
                    id INTEGER PRIMARY KEY,
                    member_id INTEGER NOT NULL,
                    from_status TEXT,
                    to_status TEXT NOT NULL,
                    at TEXT NOT NULL,
                    source TEXT NOT NULL
                );
                CREATE INDEX muster_status_changes_member ON muster_status_changes(member_id, at);
                CREATE INDEX muster_status_changes_at ON muster_status_changes(at);
                """)
        }
        registerEventChanges(&m)
        m.registerMigration("v6-attention", foreignKeyChecks: .immediate, migrate: attention)
        registerVoteReports(&m)
        registerReportHistory(&m)
        registerBounces(&m)
        registerDeliveryAttempts(&m)
        return m
    }

    /// v5: events that change. `events` gains `status`, `timezone` (the venue's) and `online`;
    /// `muster_event_revisions` holds what muster last saw of each event and its revision, which rises
    /// only when the start, end, location or status changes. The snapshot outlives a deleted row, so
    /// a cancellation notice can still say what was cancelled. `followed_up` is the revision whose
    /// notices were planned and whose queued reminders were mended (suppressed or rendered again).
    static func registerEventChanges(_ m: inout DatabaseMigrator) {
        m.registerMigration("v5-event-changes", foreignKeyChecks: .immediate) { db in
            try db.execute(sql: """
                ALTER TABLE events ADD COLUMN status TEXT NOT NULL DEFAULT 'scheduled'
                    CHECK (status IN ('scheduled','cancelled'));
                ALTER TABLE events ADD COLUMN timezone TEXT;
                ALTER TABLE events ADD COLUMN online INTEGER NOT NULL DEFAULT 0 CHECK (online IN (0,1));
                CREATE TABLE muster_event_revisions(
                    event_id INTEGER PRIMARY KEY,
                    revision INTEGER NOT NULL DEFAULT 0,
                    kind TEXT NOT NULL,
                    title TEXT NOT NULL,
                    starts_at TEXT NOT NULL,
                    ends_at TEXT,
                    location TEXT,
                    url TEXT,
                    workplace_id INTEGER,
                    description TEXT,
                    status TEXT NOT NULL,
                    timezone TEXT,
                    online INTEGER NOT NULL DEFAULT 0,
                    previous_starts_at TEXT,
                    previous_ends_at TEXT,
                    previous_location TEXT,
                    previous_status TEXT,
                    changed_at TEXT NOT NULL,
                    followed_up INTEGER NOT NULL DEFAULT 0
                );
                """)
        }
    }

    /// How much one member hears: the member limits count each member's recent and queued entries
    /// (by member and next attempt), and the rules an organiser paused (`muster pause`) stay paused
    /// across restarts.
    static func attention(_ db: Database) throws {
        try db.execute(sql: """
            CREATE INDEX muster_outbox_member_attempt ON muster_outbox(member_id, next_attempt_at);
            CREATE TABLE muster_paused_rules(
                rule TEXT PRIMARY KEY,
                paused_at TEXT NOT NULL
            );
            """)
    }

    /// Who reported each vote muster records: the member through their "I've voted" link (`member`)
    /// or a rep from their chase list (the rep's member id, as text). Nothing about the vote itself.
    static func registerVoteReports(_ m: inout DatabaseMigrator) {
        m.registerMigration("v7-vote-reports", foreignKeyChecks: .immediate) { db in
            try db.execute(sql: """
                CREATE TABLE muster_vote_reports(
                    id INTEGER PRIMARY KEY,
                    ballot_id INTEGER NOT NULL,
                    member_id INTEGER NOT NULL,
                    reported_by TEXT NOT NULL,
                    at TEXT NOT NULL
                );
                CREATE INDEX muster_vote_reports_ballot ON muster_vote_reports(ballot_id, member_id);
                """)
        }
    }

    /// Bounces and complaints that arrive after the relay took a message (DESIGN.md "Bounces and
    /// complaints"): each one matched to an outbox entry, and the reports that could not be matched or
    /// read, kept with their bytes. A report is recorded once per entry (`report_key`: its Message-ID,
    /// or a hash of its bytes), so reading a mailbox twice counts nothing twice.
    static func registerBounces(_ m: inout DatabaseMigrator) {
        m.registerMigration("v9-bounces", foreignKeyChecks: .immediate) { db in
            try db.execute(sql: """
                CREATE TABLE muster_bounces(
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL CHECK (kind IN ('permanent','transient','complaint')),
                    outbox_id INTEGER NOT NULL,
                    member_id INTEGER NOT NULL,
                    email TEXT NOT NULL DEFAULT '',
                    status TEXT,
                    diagnostic TEXT,
                    matched_by TEXT NOT NULL CHECK (matched_by IN ('token','message_id')),
                    report_key TEXT NOT NULL,
                    received_at TEXT NOT NULL,
                    UNIQUE (report_key, outbox_id)
                );
                CREATE INDEX muster_bounces_email ON muster_bounces(email, received_at);
                CREATE INDEX muster_bounces_outbox ON muster_bounces(outbox_id);
                CREATE TABLE muster_bounces_unmatched(
                    id INTEGER PRIMARY KEY,
                    reason TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    truncated INTEGER NOT NULL DEFAULT 0 CHECK (truncated IN (0,1)),
                    raw BLOB NOT NULL,
                    received_at TEXT NOT NULL
                );
                CREATE INDEX muster_outbox_message_id ON muster_outbox(message_id);
                """)
        }
    }
}
