// The organising report as a pure value: from the figures read (ReportInput) to sections of tables
// that the text, CSV and HTML formats all print, and the series the HTML charts draw.
import Foundation

/// The report's sections, in the order they are printed.
public enum ReportSectionName: String, Sendable, CaseIterable {
    case summary, workplaces, targets, months, ballots, events, sections
}

/// What the workplace figures are grouped by (`--by`).
public enum ReportGrouping: String, Sendable, CaseIterable {
    case workplace, kind, town, region, section
}

/// One table of the report: a header row and rows of text, numbers right-aligned.
public struct ReportTable: Sendable, Equatable {
    public var columns: [String]
    /// Whether each column holds numbers (right-aligned in text).
    public var numeric: [Bool]
    public var rows: [[String]]
    /// Rows marked as estimates (drawn in italics in HTML).
    public var estimatedRows: Set<Int> = []

    public init(columns: [String], numeric: [Bool], rows: [[String]], estimatedRows: Set<Int> = []) {
        self.columns = columns; self.numeric = numeric; self.rows = rows; self.estimatedRows = estimatedRows
    }
}

/// One section: a title, its table, and notes under it.
public struct ReportSection: Sendable, Equatable {
    public var name: ReportSectionName
    public var title: String
    public var table: ReportTable
    public var notes: [String]
}

/// A bar of a chart: a label and a fraction (density, turnout).
public struct ReportBar: Sendable, Equatable {
    public var label: String
    public var value: Double
}

/// The organising report, judged: density, representation, targets, turnout, retention.
///
///     let report = Report(input, grouping: .workplace)
///     report.section(.targets)   // unrepresented or under 50% density, most active members first
///
/// Density is active members / staff_count; with no staff_count it is unknown (never 0, never a
/// division by zero). A group's density counts only its workplaces whose staff count is known.
public struct Report: Sendable {
    public let input: ReportInput
    public let grouping: ReportGrouping
    /// Workplaces under this density are targets.
    public static let targetDensity = 0.5
    /// The section whose entrants' retention the summary names.
    public var leadershipSection = "leadership"

    public init(_ input: ReportInput, grouping: ReportGrouping = .workplace, leadershipSection: String = "leadership") {
        self.input = input; self.grouping = grouping; self.leadershipSection = leadershipSection
    }

    // MARK: Groups

    /// A row of the workplaces section: one workplace, or a group of them.
    public struct Group: Sendable, Equatable {
        public var name: String
        public var workplaceID: Int64?
        public var active = 0
        /// Sum of known staff counts, and the active members at those workplaces.
        public var staff: Int?
        public var activeWithStaff = 0
        public var reps = 0
        /// Workplaces in the group, and those with a rep; nil when grouped by section.
        public var workplaces: Int?
        public var represented: Int?
        public var newStarters = 0
        /// Open ballots' eligible and voted, by ballot id.
        public var turnout: [Int64: (eligible: Int, voted: Int)] = [:]

        public var density: Double? {
            guard let staff, staff > 0 else { return nil }
            return Double(activeWithStaff) / Double(staff)
        }

        public static func == (a: Group, b: Group) -> Bool {
            a.name == b.name && a.workplaceID == b.workplaceID && a.active == b.active && a.staff == b.staff && a.reps == b.reps
        }
    }

    public var openBallots: [ReportBallot] { input.ballots.filter { $0.isOpen(at: input.now) } }

    /// Workplace figures grouped by `grouping`, most active members first.
    public var groups: [Group] {
        let byID = Dictionary(uniqueKeysWithValues: input.workplaces.map { ($0.id, $0) })
        func key(workplace: Int64?, section: String?) -> String {
            if grouping == .section { return section ?? "(no section)" }
            guard let workplace, let w = byID[workplace] else { return "(no workplace)" }
            switch grouping {
            case .workplace: return "\(w.id)"
            case .kind: return w.kind ?? "(no kind)"
            case .town: return w.town ?? "(no town)"
            case .region: return w.region ?? "(no region)"
            case .section: return ""
            }
        }
        var groups: [String: Group] = [:]
        if grouping != .section {
            for w in input.workplaces {
                let k = key(workplace: w.id, section: nil)
                var g = groups[k] ?? Group(name: grouping == .workplace ? w.name : k, workplaceID: grouping == .workplace ? w.id : nil)
                g.workplaces = (g.workplaces ?? 0) + 1
                g.represented = (g.represented ?? 0) + (w.reps > 0 ? 1 : 0)
                g.reps += w.reps
                if let s = w.staffCount { g.staff = (g.staff ?? 0) + s }
                groups[k] = g
            }
        }
        for c in input.cells {
            let k = key(workplace: c.workplaceID, section: c.section)
            var g = groups[k] ?? Group(name: k, workplaceID: nil)
            g.active += c.active
            g.newStarters += c.newStarters
            if grouping == .section { g.reps += c.reps }
            if let id = c.workplaceID, byID[id]?.staffCount != nil { g.activeWithStaff += c.active }
            groups[k] = g
        }
        for b in openBallots {
            for c in b.cells {
                let k = key(workplace: c.workplaceID, section: c.section)
                var g = groups[k] ?? Group(name: k, workplaceID: nil)
                let t = g.turnout[b.id] ?? (0, 0)
                g.turnout[b.id] = (t.eligible + c.eligible, t.voted + c.voted)
                groups[k] = g
            }
        }
        // Two workplaces may share a name: their ids settle the order, so that the same figures give the same rows.
        return groups.values.sorted { ($0.active, $1.name, $1.workplaceID ?? -1) > ($1.active, $0.name, $0.workplaceID ?? -1) }
    }

    /// One row per workplace (whatever the grouping), for targets and the charts.
    public var workplaceGroups: [Group] {
        grouping == .workplace ? groups : Report(input, grouping: .workplace, leadershipSection: leadershipSection).groups
    }

    /// Unrepresented workplaces and those under 50% density, most active members first.
    public var targets: [(group: Group, reasons: [String])] {
        workplaceGroups.compactMap { g in
            guard g.workplaceID != nil else { return nil }
            var why: [String] = []
            if (g.represented ?? 0) == 0 { why.append("no rep") }
            if let d = g.density, d < Self.targetDensity { why.append("density \(Self.percent(d))") }
            return why.isEmpty ? nil : (g, why)
        }
    }

    // MARK: Sections

    public func section(_ name: ReportSectionName, limit: Int? = nil) -> ReportSection {
        switch name {
        case .summary: return summarySection
        case .workplaces: return workplacesSection
        case .targets: return targetsSection(limit: limit)
        case .months: return monthsSection
        case .ballots: return ballotsSection
        case .events: return eventsSection
        case .sections: return sectionsSection
        }
    }

    /// Summary figures as (label, value) pairs, also the recurring rules' `report.summary`.
    public var summaryFigures: [(label: String, value: String)] {
        let all = workplaceGroups.filter { $0.workplaceID != nil }
        let staffKnown = input.workplaces.filter { $0.staffCount != nil }
        let staff = staffKnown.reduce(0) { $0 + ($1.staffCount ?? 0) }
        let activeWithStaff = all.reduce(0) { $0 + $1.activeWithStaff }
        let represented = input.workplaces.filter { $0.reps > 0 }.count
        let joined = input.months.reduce(0) { $0 + $1.joined }
        let left = input.months.reduce(0) { $0 + $1.left }
        var out: [(String, String)] = [
            ("active members", "\(input.active)"),
            ("lapsed", "\(input.lapsed)"),
            ("left", "\(input.left)"),
            ("workplaces", "\(input.workplaces.count)"),
            ("workplaces with a rep", "\(represented) (\(Self.percent(input.workplaces.isEmpty ? nil : Double(represented) / Double(input.workplaces.count))))"),
            ("reps", "\(input.workplaces.reduce(0) { $0 + $1.reps })"),
            ("density", staff > 0
                ? "\(Self.percent(Double(activeWithStaff) / Double(staff))) (at the \(staffKnown.count) workplaces with a staff count)"
                : "unknown (no workplace has a staff count)"),
            ("new starters, last 90 days", "\(input.cells.reduce(0) { $0 + $1.newStarters })"),
            ("joined in the period", "\(joined)"),
            ("left in the period", "\(left)\(input.months.contains { $0.estimate } ? " (recorded changes only)" : "")"),
            ("targets", "\(targets.count)"),
        ]
        for b in openBallots {
            let e = b.cells.reduce(0) { $0 + $1.eligible }, v = b.cells.reduce(0) { $0 + $1.voted }
            out.append(("turnout: \(b.title)", Self.turnoutText(eligible: e, voted: v, threshold: b.threshold)))
        }
        if let l = input.sections.first(where: { $0.section == leadershipSection }) {
            out.append(("\(leadershipSection) retention", l.entered == 0
                ? "nobody entered \(leadershipSection) in the period"
                : "\(l.enteredStillActive) of \(l.entered) who entered in the period still active"))
        }
        return out
    }

    var summarySection: ReportSection {
        ReportSection(
            name: .summary, title: "Summary",
            table: ReportTable(columns: ["figure", "value"], numeric: [false, false], rows: summaryFigures.map { [$0.label, $0.value] }),
            notes: [historyNote])
    }

    var historyNote: String {
        guard let since = input.historySince else {
            return "muster has no daily snapshots yet: every month is an estimate reckoned from joined_on."
        }
        return "History since \(since) (muster's daily snapshots); months before are estimates reckoned from joined_on."
    }

    var workplacesSection: ReportSection {
        let ballots = openBallots
        var columns = [grouping == .workplace ? "workplace" : grouping.rawValue, "active", "staff", "density", "reps", "represented", "new 90d"]
        var numeric = [false, true, true, true, true, false, true]
        for b in ballots { columns.append("turnout: \(b.title)"); numeric.append(true) }
        let rows = groups.map { g -> [String] in
            var represented = "n/a"
            if let n = g.workplaces, let r = g.represented {
                represented = grouping == .workplace ? (r > 0 ? "yes" : "no") : "\(r) of \(n)"
            }
            var row = [g.name, "\(g.active)", g.staff.map(String.init) ?? "unknown", Self.percent(g.density), "\(g.reps)", represented, "\(g.newStarters)"]
            for b in ballots {
                let t = g.turnout[b.id]
                row.append(t.map { $0.eligible == 0 ? "n/a" : Self.percent(Double($0.voted) / Double($0.eligible)) } ?? "n/a")
            }
            return row
        }
        var notes: [String] = []
        if !input.workplaces.contains(where: { $0.staffCount != nil }) {
            notes.append("No workplace has a staff count, so density is unknown: import workplaces with a staff_count column.")
        }
        return ReportSection(name: .workplaces, title: "Workplaces by \(grouping.rawValue)", table: ReportTable(columns: columns, numeric: numeric, rows: rows), notes: notes)
    }

    func targetsSection(limit: Int?) -> ReportSection {
        let all = targets
        let shown = limit.map { Array(all.prefix($0)) } ?? all
        let rows = shown.map { t in
            [t.group.name, "\(t.group.active)", t.group.staff.map(String.init) ?? "unknown", Self.percent(t.group.density), "\(t.group.reps)", t.reasons.joined(separator: ", ")]
        }
        var notes = ["Workplaces with no rep, or under \(Self.percent(Self.targetDensity)) density, most active members first."]
        if shown.count < all.count { notes.append("\(all.count - shown.count) more not shown (--section targets lists them all).") }
        return ReportSection(
            name: .targets, title: "Targets",
            table: ReportTable(columns: ["workplace", "active", "staff", "density", "reps", "why"], numeric: [false, true, true, true, true, false], rows: rows),
            notes: notes)
    }

    var monthsSection: ReportSection {
        let rows = input.months.map { [$0.month, "\($0.joined)", "\($0.left)", "\($0.activeAtEnd)", $0.estimate ? "estimate" : ""] }
        let estimated = Set(input.months.indices.filter { input.months[$0].estimate })
        return ReportSection(
            name: .months, title: "Months",
            table: ReportTable(columns: ["month", "joined", "left", "active at end", "estimate"], numeric: [false, true, true, true, false],
                               rows: rows, estimatedRows: estimated),
            notes: estimated.isEmpty ? [] : ["Months marked estimate come before muster's first snapshot: active at end is reckoned from joined_on, and left counts only recorded changes."])
    }

    var ballotsSection: ReportSection {
        let names = Dictionary(uniqueKeysWithValues: input.workplaces.map { ($0.id, $0.name) })
        var rows: [[String]] = []
        for b in input.ballots {
            let state = b.isOpen(at: input.now) ? "open" : "closed"
            let e = b.cells.reduce(0) { $0 + $1.eligible }, v = b.cells.reduce(0) { $0 + $1.voted }
            rows.append(Self.ballotRow(b, state: state, place: "all", eligible: e, voted: v))
            var byPlace: [Int64?: (Int, Int)] = [:]
            for c in b.cells { let t = byPlace[c.workplaceID] ?? (0, 0); byPlace[c.workplaceID] = (t.0 + c.eligible, t.1 + c.voted) }
            let places = byPlace.map { (id: $0.key ?? -1, name: $0.key.flatMap { names[$0] } ?? "(no workplace)", e: $0.value.0, v: $0.value.1) }
                .sorted { ($0.e, $1.name, $1.id) > ($1.e, $0.name, $0.id) }
            for p in places { rows.append(Self.ballotRow(b, state: state, place: p.name, eligible: p.e, voted: p.v)) }
        }
        return ReportSection(
            name: .ballots, title: "Ballots",
            table: ReportTable(columns: ["ballot", "state", "workplace", "eligible", "voted", "turnout", "threshold", "meets threshold"],
                               numeric: [false, false, false, true, true, true, true, false], rows: rows),
            notes: input.ballots.isEmpty ? ["No ballot open now or closed in the period."] : [])
    }

    static func ballotRow(_ b: ReportBallot, state: String, place: String, eligible: Int, voted: Int) -> [String] {
        let turnout = eligible == 0 ? nil : Double(voted) / Double(eligible)
        let meets: String = b.threshold.flatMap { th in turnout.map { $0 >= th ? "yes" : "no" } } ?? "n/a"
        return [b.title, state, place, "\(eligible)", "\(voted)", percent(turnout), b.threshold.map { percent($0) } ?? "none", meets]
    }

    var eventsSection: ReportSection {
        let rows = input.events.map { e in
            [LocalTime.day(of: e.startsAt, in: input.zone).description, e.kind, e.title, e.workplace ?? "district",
             "\(e.invited)", "\(e.registered)", "\(e.attended)"]
        }
        return ReportSection(
            name: .events, title: "Events",
            table: ReportTable(columns: ["date", "kind", "event", "for", "invited", "registered", "attended"],
                               numeric: [false, false, false, false, true, true, true], rows: rows),
            notes: ["Invited: active members of the event's workplace, or of the district; registered includes those who attended."])
    }

    var sectionsSection: ReportSection {
        let rows = input.sections.map { s in
            [s.section, "\(s.active)", "\(s.lapsed)", "\(s.left)", "\(s.entered)", "\(s.enteredStillActive)",
             s.entered == 0 ? "n/a" : Self.percent(Double(s.enteredStillActive) / Double(s.entered))]
        }
        return ReportSection(
            name: .sections, title: "Sections",
            table: ReportTable(columns: ["section", "active", "lapsed", "left", "entered in period", "still active", "retention"],
                               numeric: [false, true, true, true, true, true, true], rows: rows),
            notes: ["Entered: members muster saw come into the section during the period (not those already in it when its history began); still active: their status now."])
    }

    // MARK: Charts

    /// Density of each workplace with a staff count, highest first.
    public var densityBars: [ReportBar] {
        workplaceGroups.compactMap { g in g.density.map { ReportBar(label: g.name, value: $0) } }.sorted { $0.value > $1.value }
    }

    /// Turnout of each workplace with eligible members in an open ballot, highest first.
    public func turnoutBars(_ ballot: ReportBallot) -> [ReportBar] {
        let names = Dictionary(uniqueKeysWithValues: input.workplaces.map { ($0.id, $0.name) })
        var byPlace: [Int64?: (Int, Int)] = [:]
        for c in ballot.cells { let t = byPlace[c.workplaceID] ?? (0, 0); byPlace[c.workplaceID] = (t.0 + c.eligible, t.1 + c.voted) }
        return byPlace.compactMap { k, v in
            v.0 == 0 ? nil : ReportBar(label: k.flatMap { names[$0] } ?? "(no workplace)", value: Double(v.1) / Double(v.0))
        }.sorted { ($0.value, $1.label) > ($1.value, $0.label) }
    }

    // MARK: Formatting

    /// `31.5%`; `unknown` for nil.
    public static func percent(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "unknown" }
        let tenths = (x * 1000).rounded() / 10
        return tenths == tenths.rounded() ? "\(Int(tenths))%" : String(format: "%.1f%%", tenths)
    }

    static func turnoutText(eligible: Int, voted: Int, threshold: Double?) -> String {
        guard eligible > 0 else { return "nobody eligible" }
        let t = Double(voted) / Double(eligible)
        var s = "\(percent(t)) (\(voted) of \(eligible))"
        if let threshold { s += t >= threshold ? ", over the \(percent(threshold)) threshold" : ", under the \(percent(threshold)) threshold" }
        return s
    }
}
