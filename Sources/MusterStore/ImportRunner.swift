// Importing one CSV file into its table: check every row, upsert in one transaction, or change nothing.
import Foundation
import GRDB
import MusterCore

/// Imports one CSV file of `kind` into the database, in one transaction.
///
/// Header names are DESIGN.md's column names (any case). Rows are upserted: workplaces, events and
/// ballots by `id`; members by `membership_number` (`members.id` is muster's own, so an `id` column is
/// not used, with a warning); reps, registrations and ballot-members name their member by
/// `membership_number` (preferred) or `member_id` (either column will do; with both, they must agree)
/// and are matched on their natural keys (member, workplace and role; event and member; ballot and
/// member). Columns missing from the header are left as they are in existing rows.
///
/// Every row is checked and every problem collected (the first ``ImportError/limit`` are kept); if
/// there is any, the transaction is rolled back and ``ImportError`` thrown: nothing changes.
///
/// Every status an import changes is recorded in `muster_status_changes` (member, from, to, at `now`,
/// source `import FILE` or `sync FILE`), so that a mistaken file can be undone.
///
/// - Parameters:
///   - sync: members only: members absent from the file are set to `left` (reported in `markedLeft`);
///     refused when that is more than ``SyncLimit`` allows, unless `confirm` says to.
///   - confirm: for a sync: how many members left the person expects, or yes to any number.
///   - now: the instant of the import: status changes are recorded at it; a `joined_on` more than a
///     year after its day is refused.
///   - progress: called with the number of rows read so far, about every 1,000 rows.
public func importCSV(
    kind: ImportKind, path: String, store: Store, sync: Bool = false, confirm: LeftConfirmation = .unconfirmed,
    now: Date = Date(), progress: (@Sendable (Int) -> Void)? = nil
) throws -> ImportReport {
    let file = (path as NSString).lastPathComponent
    if sync && kind != .members {
        throw ImportError(file: file, errors: ["\(file): only a members import can sync (mark absent members left)"])
    }
    let data: Data
    do {
        data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
        throw ImportError(file: file, errors: ["\(path): the file cannot be read (\(error.localizedDescription))"])
    }
    var reader: CSVReader
    do {
        reader = try CSVReader(bytes: [UInt8](data), file: file)
    } catch let error as CSVError {
        throw ImportError(file: file, errors: [error.description])
    }
    var runner = ImportRunner(kind: kind, file: file, sync: sync, confirm: confirm, now: now, progress: progress)
    let header: CSVRecord?
    do {
        header = try reader.next()
    } catch let error as CSVError {
        throw ImportError(file: file, errors: [error.description])
    }
    try runner.readHeader(header)
    do {
        return try store.pool.write { db in try runner.run(&reader, db) }
    } catch let error as DatabaseError {
        throw StoreError.sqlite(path: store.path, error)
    }
}

/// The state of one import: where each column is, the problems found, the counts.
struct ImportRunner {
    let kind: ImportKind
    let spec: KindSpec
    let file: String
    let sync: Bool
    let confirm: LeftConfirmation
    /// The instant the import happens at: status changes are recorded at it, join dates checked against it.
    let now: Date
    let progress: (@Sendable (Int) -> Void)?

    /// Where each of `spec.columns` is in a record, if the header has it.
    private var place: [Int?] = []
    private var membershipNumberPlace: Int?
    private var memberIDPlace: Int?
    private var headerCount = 0
    private var errors: [String] = []
    private var errorCount = 0
    private var report: ImportReport
    /// The latest `joined_on` taken: a year after the import's day.
    private let latestJoin: LocalDay

    /// The row being checked: each column's value (and instant, for time columns).
    private var values: [DatabaseValue] = []
    private var dates: [Date?] = []
    /// A row's key -> the line it first appeared on.
    private var firstLine: [String: Int] = [:]
    /// The membership numbers of a members file, for a sync.
    private var seenNumbers = Set<String>()
    private var eventKindWarned = Set<String>()

    init(kind: ImportKind, file: String, sync: Bool, confirm: LeftConfirmation = .unconfirmed, now: Date,
         progress: (@Sendable (Int) -> Void)?) {
        self.kind = kind; self.spec = KindSpec.of(kind); self.file = file; self.sync = sync
        self.confirm = confirm; self.now = now; self.progress = progress
        self.report = ImportReport(kind: kind, file: file)
        let today = LocalDay(epochDay: Int((now.timeIntervalSince1970 / 86_400).rounded(.down)))
        latestJoin = LocalDay(year: today.year + 1, month: today.month,
                              day: min(today.day, LocalDay.daysIn(month: today.month, year: today.year + 1)))
    }

    private mutating func fail(_ line: Int, _ column: String?, _ reason: String) {
        errorCount += 1
        guard errors.count < ImportError.limit else { return }
        if let column {
            errors.append("\(file):\(line): column '\(column)': \(reason)")
        } else {
            errors.append("\(file):\(line): \(reason)")
        }
    }

    private func thrown() -> ImportError { ImportError(file: file, errors: errors, total: errorCount) }

    // MARK: The header

    /// Header columns that are not used are named one a line up to this many; past it, one line counts them.
    static let unusedListed = 5

    /// Finds the columns; throws when a required one is missing, or a name appears twice.
    mutating func readHeader(_ header: CSVRecord?) throws {
        guard let header else {
            throw ImportError(file: file, errors: ["\(file):1: the file is empty: it needs a header row naming its columns"])
        }
        headerCount = header.fields.count
        var seen: [String: Int] = [:]
        var unused: [String] = []
        place = Array(repeating: nil, count: spec.columns.count)
        for (i, raw) in header.fields.enumerated() {
            let name = ImportValues.trimmed(raw).lowercased()
            if name.isEmpty { continue }
            if seen[name] != nil {
                fail(1, nil, "column '\(name)' appears twice in the header")
                continue
            }
            seen[name] = i
            if let c = spec.columns.firstIndex(where: { $0.name == name }) {
                place[c] = i
            } else if spec.namesMember && name == "membership_number" {
                membershipNumberPlace = i
            } else if spec.namesMember && name == "member_id" {
                memberIDPlace = i
            } else if let why = spec.ignored[name] {
                report.warnings.append("\(file):1: column '\(name)' is not used: \(why)")
            } else {
                unused.append(name)
            }
        }
        warnOfUnused(unused)
        if spec.namesMember && membershipNumberPlace == nil && memberIDPlace == nil {
            fail(1, nil, "missing required column 'membership_number' (or 'member_id')")
        }
        for (c, column) in spec.columns.enumerated() where column.required && place[c] == nil {
            fail(1, nil, "missing required column '\(column.name)'")
        }
        if errorCount > 0 { throw thrown() }
    }

    /// One warning a column, or past ``unusedListed`` one line with the count and the first names.
    private mutating func warnOfUnused(_ unused: [String]) {
        if unused.count <= ImportRunner.unusedListed {
            for name in unused { report.warnings.append("\(file):1: column '\(name)' is not used") }
            return
        }
        let shown = unused.prefix(ImportRunner.unusedListed).map { name in
            "'" + (name.count > 40 ? String(name.prefix(39)) + "…" : name) + "'"
        }
        report.warnings.append("\(file):1: \(unused.count) columns are not used: \(shown.joined(separator: ", ")) "
            + "and \(unused.count - shown.count) more")
    }

    // MARK: The rows

    /// Reads, checks and writes every row inside the caller's transaction; throws (so rolling back)
    /// if any row had a problem, or a sync would mark more members left than it may.
    mutating func run(_ reader: inout CSVReader, _ db: Database) throws -> ImportReport {
        let lookups = try ImportLookups(db: db, spec: spec)
        let writer = try ImportWriter(spec: spec, inHeader: { [place] in place[$0] != nil }, db: db)
        let log = try StatusChangeLog(db, at: now, source: "import \(file)")
        values = Array(repeating: .null, count: spec.columns.count)
        dates = Array(repeating: nil, count: spec.columns.count)
        while let record = try nextRecord(&reader) {
            guard let arguments = try checkedRow(record, lookups, writer) else { continue }
            guard errorCount == 0 else { continue }  // checking on, writing stopped
            switch try writer.write(arguments, db, log: log) {
            case .inserted: report.inserted += 1
            case .updated: report.updated += 1
            case .unchanged: report.unchanged += 1
            }
        }
        if errorCount > 0 { throw thrown() }
        if sync { try markAbsentLeft(db) }
        return report
    }

    /// The next record with something in it, counted; nil at the end, or at a record the reader
    /// cannot read (the problem is kept).
    private mutating func nextRecord(_ reader: inout CSVReader) throws -> CSVRecord? {
        while true {
            let record: CSVRecord
            do {
                guard let next = try reader.next() else { return nil }
                record = next
            } catch let error as CSVError {
                fail(error.line, nil, error.reason)
                return nil
            }
            if record.fields.allSatisfy({ ImportValues.trimmed($0).isEmpty }) { continue }  // an empty spreadsheet row
            report.rowsRead += 1
            if let progress, report.rowsRead % 1000 == 0 { progress(report.rowsRead) }
            return record
        }
    }

    /// The row's arguments for the writer when every check passed and its key is new in the file;
    /// else nil, with the problems kept.
    private mutating func checkedRow(_ record: CSVRecord, _ lookups: ImportLookups, _ writer: ImportWriter) throws
        -> [DatabaseValue]?
    {
        let line = record.line
        guard record.fields.count == headerCount else {
            let more = record.fields.count > headerCount ? " (a value with a comma in it must be in double quotes)" : ""
            fail(line, nil, "this row has \(record.fields.count) fields but the header has \(headerCount)\(more)")
            return nil
        }
        let errorsBefore = errorCount
        readValues(record, lookups)
        crossCheck(line)
        var memberID: Int64?
        var memberLabel = ""
        if spec.namesMember { (memberID, memberLabel) = try member(record, line, lookups) }
        guard errorCount == errorsBefore else { return nil }

        let arguments = writer.arguments(values, memberID: memberID)
        let key = writer.key(arguments)
        if let earlier = firstLine[key] {
            fail(line, nil, duplicate(memberLabel, earlier))
            return nil
        }
        firstLine[key] = line
        if kind == .members, case .string(let number) = values[0].storage { seenNumbers.insert(number) }
        return arguments
    }

    /// Checks each column's value into `values` (and `dates`); an empty cell is NULL or the column's default.
    private mutating func readValues(_ record: CSVRecord, _ lookups: ImportLookups) {
        let line = record.line
        for (c, column) in spec.columns.enumerated() {
            values[c] = .null
            dates[c] = nil
            guard let at = place[c] else {
                if let empty = column.empty { values[c] = empty.databaseValue }
                continue
            }
            let text = ImportValues.trimmed(record.fields[at])
            if text.isEmpty {
                if column.required {
                    fail(line, column.name, "a value is required")
                } else if let empty = column.empty {
                    values[c] = empty.databaseValue
                }
                continue
            }
            switch check(text, column, lookups) {
            case .value(let v): values[c] = v
            case .instant(let d):
                dates[c] = d
                values[c] = ISOTime.format(d).databaseValue
            case .problem(let reason): fail(line, column.name, reason)
            }
            if kind == .events && column.name == "kind" { warnOfUnusualEventKind(text, line) }
        }
    }

    /// Once per word: an event kind the shipped schedules do not use.
    private mutating func warnOfUnusualEventKind(_ text: String, _ line: Int) {
        let word = text.lowercased()
        guard !KindSpec.eventKinds.contains(word), eventKindWarned.insert(word).inserted else { return }
        report.warnings.append("\(file):\(line): column 'kind': \"\(text)\" is not one of "
            + KindSpec.eventKinds.joined(separator: ", ") + " (schedules can still name it)")
    }

    /// Sets members absent from the file `left`, each change recorded; refused (rolling the whole
    /// import back) when that is more than ``SyncLimit`` allows unconfirmed.
    private mutating func markAbsentLeft(_ db: Database) throws {
        guard report.rowsRead > 0 else {
            throw ImportError(file: file, errors: [
                "\(file): the file has no members, and a sync would mark every member left; nothing was changed",
            ])
        }
        let rows = try Row.fetchAll(db, sql: "SELECT id, membership_number, status FROM members WHERE status <> 'left'")
        let absent = rows.filter { !seenNumbers.contains($0[1] as String) }
        if let refusal = SyncLimit.refusal(file: file, marking: absent.count, notLeft: rows.count, confirmation: confirm) {
            throw ImportError(file: file, errors: [refusal])
        }
        let update = try db.makeStatement(sql: "UPDATE members SET status = 'left' WHERE id = ?")
        let log = try StatusChangeLog(db, at: now, source: "sync \(file)")
        for row in absent {
            let id: Int64 = row[0]
            try update.execute(arguments: [id])
            try log.record(member: id, from: row[2], to: "left")
        }
        report.markedLeft = absent.count
    }

    // MARK: Checks

    private enum Checked {
        case value(DatabaseValue)
        case instant(Date)
        case problem(String)
    }

    private func check(_ text: String, _ column: ColumnSpec, _ lookups: ImportLookups) -> Checked {
        switch column.check {
        case .text:
            return .value(text.databaseValue)
        case .id:
            guard let n = Int64(text), n >= 1 else { return .problem("\"\(text)\" is not a whole number (1 or more)") }
            return .value(n.databaseValue)
        case .count:
            guard let n = Int64(text), n >= 0 else { return .problem("\"\(text)\" is not a whole number (0 or more)") }
            return .value(n.databaseValue)
        case .email:
            guard let email = ImportValues.normalizedEmail(text) else { return .problem("\"\(text)\" is not an email address") }
            return .value(email.databaseValue)
        case .day:
            guard LocalDay(text) != nil else {
                return .problem("\"\(text)\" is not a date (write YYYY-MM-DD, e.g. 2026-09-01)")
            }
            return .value(text.databaseValue)
        case .joinedDay:
            guard let day = LocalDay(text) else {
                return .problem("\"\(text)\" is not a date (write YYYY-MM-DD, e.g. 2026-09-01)")
            }
            guard day <= latestJoin else {
                return .problem("\"\(text)\" is more than a year from now (the latest a member can have joined is \(latestJoin))")
            }
            return .value(text.databaseValue)
        case .webAddress:
            guard WebAddress.isWeb(text) else {
                return .problem("\"\(text)\" is not a web address (write one starting https:// or http://)")
            }
            return .value(text.databaseValue)
        case .instant:
            guard let date = ISOTime.parseInstant(text) else {
                return .problem("\"\(text)\" is not a time with a zone (write e.g. 2026-11-23T18:00:00Z or 2026-11-23T18:00:00+01:00)")
            }
            return .instant(date)
        case .choice(let words):
            let word = text.lowercased()
            guard words.contains(word) else { return .problem("\"\(text)\" is not one of \(words.joined(separator: ", "))") }
            return .value(word.databaseValue)
        case .flag:
            guard let flag = ImportValues.flag(text) else {
                return .problem("\"\(text)\" is not one of 0, 1, true, false, yes, no")
            }
            return .value(flag.databaseValue)
        case .timeZone:
            guard lookups.isTimeZone(text) else {
                return .problem("\"\(text)\" is not a known time zone (use an IANA name such as Europe/London)")
            }
            return .value(text.databaseValue)
        case .threshold:
            guard let x = Double(text), x.isFinite, x >= 0, x <= 100 else {
                return .problem("\"\(text)\" is not a fraction (0 to 1) or a percentage (0 to 100)")
            }
            return .value(x.databaseValue)
        case .workplace, .event, .ballot:
            guard let n = Int64(text), n >= 1 else { return .problem("\"\(text)\" is not a whole number (1 or more)") }
            switch column.check {
            case .workplace where !lookups.workplaces.contains(n):
                return .problem("there is no workplace \(n) (import workplaces first)")
            case .event where !lookups.events.contains(n):
                return .problem("there is no event \(n) (import events first)")
            case .ballot where !lookups.ballots.contains(n):
                return .problem("there is no ballot \(n) (import ballots first)")
            default:
                return .value(n.databaseValue)
            }
        }
    }

    /// Ends after starts; closes after opens.
    private mutating func crossCheck(_ line: Int) {
        func at(_ name: String) -> Int { spec.columns.firstIndex { $0.name == name }! }
        switch kind {
        case .events:
            let s = at("starts_at"), e = at("ends_at")
            if let start = dates[s], let end = dates[e], end < start {
                fail(line, "ends_at", "\(values[e].description) is before starts_at \(values[s].description)"
                    .replacingOccurrences(of: "\"", with: ""))
            }
        case .ballots:
            let o = at("opens_at"), c = at("closes_at")
            if let opens = dates[o], let closes = dates[c], closes <= opens {
                fail(line, "closes_at", "\(values[c].description) is not after opens_at \(values[o].description)"
                    .replacingOccurrences(of: "\"", with: ""))
            }
        default:
            break
        }
    }

    /// The member a reps, registrations or ballot-members row names, and how to name them in messages.
    private mutating func member(_ record: CSVRecord, _ line: Int, _ lookups: ImportLookups) throws -> (Int64?, String) {
        let number = membershipNumberPlace.map { ImportValues.trimmed(record.fields[$0]) } ?? ""
        let idText = memberIDPlace.map { ImportValues.trimmed(record.fields[$0]) } ?? ""
        if number.isEmpty && idText.isEmpty {
            if membershipNumberPlace != nil {
                fail(line, "membership_number", "a value is required" + (memberIDPlace != nil ? " (or a member_id)" : ""))
            } else {
                fail(line, "member_id", "a value is required")
            }
            return (nil, "")
        }
        var byNumber: Int64?
        if !number.isEmpty {
            byNumber = try lookups.member(number: number)
            if byNumber == nil {
                fail(line, "membership_number", "there is no member \"\(number)\" (import members first)")
                return (nil, "")
            }
        }
        if !idText.isEmpty {
            guard let id = Int64(idText), id >= 1 else {
                fail(line, "member_id", "\"\(idText)\" is not a whole number (1 or more)")
                return (nil, "")
            }
            guard try lookups.member(id: id) else {
                fail(line, "member_id", "there is no member with id \(id)")
                return (nil, "")
            }
            if let byNumber, byNumber != id {
                fail(line, "member_id", "member \(id) is not membership_number \"\(number)\" (that is member \(byNumber))")
                return (nil, "")
            }
            return (id, number.isEmpty ? "member \(id)" : "member \"\(number)\"")
        }
        return (byNumber, "member \"\(number)\"")
    }

    private func duplicate(_ member: String, _ earlier: Int) -> String {
        func value(_ name: String) -> String { values[spec.columns.firstIndex { $0.name == name }!].description }
        switch kind {
        case .workplaces, .events, .ballots:
            return "id \(value("id")) already appears on line \(earlier)"
        case .members:
            return "membership_number \(value("membership_number")) already appears on line \(earlier)"
        case .reps:
            return "\(member) as \(value("role")) at workplace \(value("workplace_id")) already appears on line \(earlier)"
        case .registrations:
            return "\(member) at event \(value("event_id")) already appears on line \(earlier)"
        case .ballotMembers:
            return "\(member) in ballot \(value("ballot_id")) already appears on line \(earlier)"
        }
    }
}
