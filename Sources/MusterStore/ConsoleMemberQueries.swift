// The console's Member page asks: which members match what the organiser typed, and what each of a
// member's messages was about.
import Foundation
import GRDB
import MusterCore

/// One member found by `ConsoleQueries.searchMembers`: enough to tell two people of one name apart,
/// and no address.
public struct MemberMatch: Sendable, Hashable {
    public var id: Int64
    public var membershipNumber: String
    public var name: String
    public var status: String
    public var workplace: String?

    public init(id: Int64, membershipNumber: String, name: String, status: String, workplace: String?) {
        self.id = id; self.membershipNumber = membershipNumber; self.name = name; self.status = status; self.workplace = workplace
    }
}

/// One of a member's outbox entries with the subject its message carries (nil when no message was
/// made: suppressed or failed before composing).
public struct MemberMessage: Sendable, Hashable {
    public var entry: OutboxEntry
    public var subject: String?
}

extension ConsoleQueries {
    /// At most this many matches are listed; the page asks for more of the name beyond it.
    public static let searchLimit = 25

    /// Members whose membership number, name or email address contains every word of `text`,
    /// ignoring case and accents ("zoe" finds "Zoë"; "quill n1" finds Zebedee Quill, N1), at most
    /// `limit`, an exact membership number first, then by last and first name. `#17` is member id
    /// 17. `more` says that further members match. Words beyond the first eight are ignored.
    ///
    ///     try q.searchMembers("byr")   // ([Ada Byron, N2, active, Westfield], more: false)
    public func searchMembers(_ text: String, limit: Int = ConsoleQueries.searchLimit) throws -> (matches: [MemberMatch], more: Bool) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let select = """
            SELECT m.id, m.membership_number, m.first_name, m.last_name, m.status, w.name
            FROM members m LEFT JOIN workplaces w ON w.id = m.workplace_id
            """
        func match(_ row: Row) -> MemberMatch {
            MemberMatch(id: row[0], membershipNumber: row[1], name: Member.fullName(first: row[2] ?? "", last: row[3]),
                        status: row[4] ?? "", workplace: row[5] as String?)
        }
        if trimmed.hasPrefix("#"), let id = Int64(trimmed.dropFirst()) {
            return try pool.read { db in
                (try Row.fetchAll(db, sql: select + " WHERE m.id = ?", arguments: [id]).map(match), false)
            }
        }
        let words = trimmed.split(whereSeparator: \.isWhitespace).prefix(8).map { Self.fold(String($0)) }
        guard !words.isEmpty, limit > 0 else { return ([], false) }
        let hay = "m.first_name || ' ' || ifnull(m.last_name, '') || ' ' || m.membership_number || ' ' || ifnull(m.email, '')"
        let sql = select + " WHERE " + words.map { _ in "instr(\(Self.folded(hay)), ?) > 0" }.joined(separator: " AND ")
            + " ORDER BY \(Self.folded("m.membership_number")) = ? DESC, \(Self.folded("ifnull(m.last_name, '')")),"
            + " \(Self.folded("m.first_name")), m.id LIMIT ?"
        let arguments = StatementArguments(words + [Self.fold(trimmed)]) + [limit + 1]
        return try pool.read { db in
            db.add(function: Self.foldFunction)
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
            return (rows.prefix(limit).map(match), rows.count > limit)
        }
    }

    /// `text` as the search compares it: lower case, without accents, full-width letters made plain.
    static func fold(_ text: String) -> String {
        // ASCII needs only lower-casing (as SQLite's `lower` does it, which `folded` relies on).
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.lowercased() }
        return text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
    }

    /// SQL for `fold(expression)`: SQLite's own `lower` for ASCII text (the same result, and no call
    /// into Swift for each member), `foldFunction` for the rest.
    static func folded(_ expression: String) -> String {
        // Bytes and characters differ in number exactly when the text is not ASCII.
        "CASE WHEN length(CAST(\(expression) AS BLOB)) <> length(\(expression)) THEN \(foldFunction.name)(\(expression)) ELSE lower(\(expression)) END"
    }

    static let foldFunction = DatabaseFunction("muster_search_fold", argumentCount: 1, pure: true) { values in
        String.fromDatabaseValue(values[0]).map(fold)
    }

    /// The member's outbox entries, newest first, each with its message's subject. Each entry's
    /// `recipient` is an address: this is for the member page alone.
    public func messages(member: Int64) throws -> [MemberMessage] {
        try pool.read { db in
            // The header block is all that is read of each message: it ends well inside 16 KB.
            try Row.fetchAll(db, sql: """
                SELECT \(OutboxEntry.columns), substr(mm.message, 1, 16384) FROM muster_outbox
                LEFT JOIN muster_outbox_messages mm ON mm.outbox_id = muster_outbox.id
                WHERE member_id = ? ORDER BY muster_outbox.id DESC
                """, arguments: [member]).map { row in
                let head: Data? = row[21]
                return MemberMessage(entry: OutboxEntry(row: row, withMessage: false), subject: head.flatMap(Self.subject))
            }
        }
    }

    /// The Subject of a message muster composed, decoded.
    static func subject(_ head: Data) -> String? {
        guard let block = MailHeaderBlock.parse(Array(head)[...])?.block, let value = block.first("subject") else { return nil }
        return HeaderEncoding.decodedWords(value)
    }

    /// The name of workplace `id`, nil when there is none.
    public func workplaceName(_ id: Int64) throws -> String? {
        try pool.read { db in try String.fetchOne(db, sql: "SELECT name FROM workplaces WHERE id = ?", arguments: [id]) }
    }
}
