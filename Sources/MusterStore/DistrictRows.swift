// Event and ballot rows as muster reads them: one column list and one decoder each.
import Foundation
import GRDB
import MusterCore

/// `events` rows, read by position from `columns`: planning, rendering and digests all decode here.
enum EventRows {
    static let columns = "id, kind, title, starts_at, ends_at, location, url, workplace_id, description, status, timezone, online"

    /// The event in `row` (selected with `columns`). A `starts_at` that is not an ISO 8601 time
    /// throws `RenderDataError`, and so does a non-empty `ends_at` unless `endOptional`: planning
    /// looks only at the start, so an unreadable end is left for rendering to report.
    static func decode(_ row: Row, endOptional: Bool = false) throws -> Event {
        let id: Int64 = row[0]
        let ends: String? = row[4]
        let endsAt: Date?
        if let ends, !ends.isEmpty {
            endsAt = endOptional ? ISOTime.parseInstant(ends) : try RowTime.instant(ends, "events id \(id): ends_at")
        } else {
            endsAt = nil
        }
        return Event(
            id: id, kind: row[1] ?? "", title: row[2] ?? "",
            startsAt: try RowTime.instant(row[3], "events id \(id): starts_at"), endsAt: endsAt,
            location: row[5], url: row[6], workplaceID: row[7], description: row[8],
            status: (row[9] as String?).flatMap(EventStatus.init(rawValue:)) ?? .scheduled,
            timezone: row[10], online: (row[11] as Int?) == 1)
    }
}

/// `ballots` rows, read by position from `columns`.
enum BallotRows {
    static let columns = "id, title, opens_at, closes_at, turnout_threshold, url"

    /// The ballot in `row`; `opens_at` or `closes_at` that is not an ISO 8601 time throws `RenderDataError`.
    static func decode(_ row: Row) throws -> Ballot {
        let id: Int64 = row[0]
        return Ballot(
            id: id, title: row[1] ?? "",
            opensAt: try RowTime.instant(row[2], "ballots id \(id): opens_at"),
            closesAt: try RowTime.instant(row[3], "ballots id \(id): closes_at"),
            turnoutThreshold: row[4], url: row[5])
    }
}

/// A time column that must hold an instant.
enum RowTime {
    static func instant(_ text: String?, _ what: String) throws -> Date {
        guard let text, let d = ISOTime.parseInstant(text) else {
            throw RenderDataError("\(what) \(text.map { "\"\($0)\"" } ?? "(empty)") is not an ISO 8601 time such as 2026-11-23T09:00:00Z")
        }
        return d
    }
}
