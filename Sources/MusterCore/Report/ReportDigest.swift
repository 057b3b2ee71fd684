// What a recurring rule's template gets as `report`: the summary and the top targets.
import Foundation

/// `report` in a recurring rule's context: `report.date`, `report.summary[]` (label, value),
/// `report.targets[]` (name, active, staff, density, reps, why) and `report.targets_more`.
public struct ReportDigest: Sendable, Hashable {
    public struct Figure: Sendable, Hashable {
        public var label: String
        public var value: String
    }

    public struct Target: Sendable, Hashable {
        public var name: String
        public var active: Int
        public var staff: String
        public var density: String
        public var reps: Int
        public var why: String
    }

    /// The local day the report is as of, `YYYY-MM-DD`.
    public var date: String
    public var summary: [Figure]
    public var targets: [Target]
    /// Targets beyond those listed.
    public var targetsMore: Int

    public init(date: String, summary: [Figure], targets: [Target], targetsMore: Int) {
        self.date = date; self.summary = summary; self.targets = targets; self.targetsMore = targetsMore
    }

    /// How many targets a message lists.
    public static let topTargets = 10

    public init(_ report: Report) {
        let all = report.targets
        date = LocalTime.day(of: report.input.now, in: report.input.zone).description
        summary = report.summaryFigures.map { Figure(label: $0.label, value: $0.value) }
        targets = all.prefix(Self.topTargets).map { t in
            Target(name: t.group.name, active: t.group.active, staff: t.group.staff.map(String.init) ?? "unknown",
                   density: Report.percent(t.group.density), reps: t.group.reps, why: t.reasons.joined(separator: ", "))
        }
        targetsMore = max(0, all.count - Self.topTargets)
    }

    /// A small report for `muster check` to render templates against.
    public static let sample = ReportDigest(
        date: "2026-12-07",
        summary: [Figure(label: "active members", value: "1305"), Figure(label: "density", value: "55.9%")],
        targets: [Target(name: "Sample Primary School", active: 24, staff: "60", density: "40%", reps: 0, why: "no rep, density 40%")],
        targetsMore: 0)
}
