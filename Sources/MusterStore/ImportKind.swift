// What each CSV kind holds: its table, its columns and how they are checked, its key.
import Foundation

/// The kinds of CSV file `muster import KIND FILE.csv` reads; the raw value is the command-line name.
public enum ImportKind: String, CaseIterable, Sendable {
    case workplaces, members, reps, events, registrations, ballots
    case ballotMembers = "ballot-members"
}

/// How a column's values are checked and stored.
enum ColumnCheck: Sendable {
    /// Text, trimmed; empty is NULL.
    case text
    /// A whole number of at least 1 (an id).
    case id
    /// A whole number of at least 0.
    case count
    case email
    /// `YYYY-MM-DD`, a real calendar date.
    case day
    /// A `day` no more than a year after the import (a join date: 9999-12-31 would never be planned).
    case joinedDay
    /// An http(s) address (``WebAddress``): nothing a browser would run from an `href`.
    case webAddress
    /// ISO 8601 with `Z` or an offset, stored in UTC.
    case instant
    /// One of a fixed set of words (lower-cased).
    case choice([String])
    /// 0/1/true/false/yes/no, stored as 0 or 1.
    case flag
    /// An IANA zone name.
    case timeZone
    /// A fraction 0–1 or a percentage 0–100, stored as given.
    case threshold
    /// The id of a workplace in the database.
    case workplace
    /// The id of an event in the database.
    case event
    /// The id of a ballot in the database.
    case ballot
}

/// One column of a CSV kind: its header name (also the table column), its check, whether it must be
/// present and filled, and the value an empty cell stands for.
struct ColumnSpec: Sendable {
    var name: String
    var check: ColumnCheck
    var required = false
    var empty: String? = nil
}

/// The shape of one kind of CSV file.
struct KindSpec: Sendable {
    var table: String
    var columns: [ColumnSpec]
    /// The table columns that identify a row (the upsert's conflict target).
    var key: [String]
    /// Whether rows name a member by `membership_number` or `member_id` (stored as `member_id`).
    var namesMember = false
    /// Header names that are understood but not stored, with the reason for the warning.
    var ignored: [String: String] = [:]

    static let eventKinds = ["meeting", "training", "induction", "conference", "cpd"]

    static func of(_ kind: ImportKind) -> KindSpec {
        switch kind {
        case .workplaces:
            return KindSpec(table: "workplaces", columns: [
                ColumnSpec(name: "id", check: .id, required: true),
                ColumnSpec(name: "name", check: .text, required: true),
                ColumnSpec(name: "kind", check: .text),
                ColumnSpec(name: "town", check: .text),
                ColumnSpec(name: "region", check: .text),
                ColumnSpec(name: "staff_count", check: .count),
            ], key: ["id"])
        case .members:
            return KindSpec(table: "members", columns: [
                ColumnSpec(name: "membership_number", check: .text, required: true),
                ColumnSpec(name: "first_name", check: .text, required: true),
                ColumnSpec(name: "last_name", check: .text),
                ColumnSpec(name: "email", check: .email),
                ColumnSpec(name: "workplace_id", check: .workplace),
                ColumnSpec(name: "role", check: .text),
                ColumnSpec(name: "section", check: .text),
                ColumnSpec(name: "status", check: .choice(["active", "lapsed", "left"]), empty: "active"),
                ColumnSpec(name: "joined_on", check: .joinedDay),
                ColumnSpec(name: "timezone", check: .timeZone),
                ColumnSpec(name: "email_opt_out", check: .flag, empty: "0"),
            ], key: ["membership_number"], ignored: [
                "id": "muster numbers members itself and matches rows by membership_number",
            ])
        case .reps:
            return KindSpec(table: "reps", columns: [
                ColumnSpec(name: "workplace_id", check: .workplace, required: true),
                ColumnSpec(name: "role", check: .text, empty: "workplace rep"),
            ], key: ["member_id", "workplace_id", "role"], namesMember: true)
        case .events:
            return KindSpec(table: "events", columns: [
                ColumnSpec(name: "id", check: .id, required: true),
                ColumnSpec(name: "kind", check: .text, required: true),
                ColumnSpec(name: "title", check: .text, required: true),
                ColumnSpec(name: "starts_at", check: .instant, required: true),
                ColumnSpec(name: "ends_at", check: .instant),
                ColumnSpec(name: "location", check: .text),
                ColumnSpec(name: "url", check: .webAddress),
                ColumnSpec(name: "workplace_id", check: .workplace),
                ColumnSpec(name: "description", check: .text),
                ColumnSpec(name: "status", check: .choice(["scheduled", "cancelled"]), empty: "scheduled"),
                ColumnSpec(name: "timezone", check: .timeZone),
                ColumnSpec(name: "online", check: .flag, empty: "0"),
            ], key: ["id"])
        case .registrations:
            return KindSpec(table: "registrations", columns: [
                ColumnSpec(name: "event_id", check: .event, required: true),
                ColumnSpec(name: "status", check: .choice(["registered", "cancelled", "attended"]), empty: "registered"),
            ], key: ["event_id", "member_id"], namesMember: true)
        case .ballots:
            return KindSpec(table: "ballots", columns: [
                ColumnSpec(name: "id", check: .id, required: true),
                ColumnSpec(name: "title", check: .text, required: true),
                ColumnSpec(name: "opens_at", check: .instant, required: true),
                ColumnSpec(name: "closes_at", check: .instant, required: true),
                ColumnSpec(name: "turnout_threshold", check: .threshold),
                ColumnSpec(name: "url", check: .webAddress),
            ], key: ["id"])
        case .ballotMembers:
            return KindSpec(table: "ballot_members", columns: [
                ColumnSpec(name: "ballot_id", check: .ballot, required: true),
                ColumnSpec(name: "voted_at", check: .instant),
            ], key: ["ballot_id", "member_id"], namesMember: true)
        }
    }
}
