// The figures `muster report` is made from, as read from the database: no judgement yet.
import Foundation

/// One workplace as the district holds it.
public struct ReportWorkplace: Sendable, Hashable {
    public var id: Int64
    public var name: String
    public var kind: String?
    public var town: String?
    public var region: String?
    /// Everyone employed there, members or not; nil when unknown.
    public var staffCount: Int?
    /// Distinct reps (any role) whose member is active.
    public var reps: Int

    public init(id: Int64, name: String, kind: String? = nil, town: String? = nil, region: String? = nil, staffCount: Int? = nil, reps: Int = 0) {
        self.id = id; self.name = name; self.kind = kind; self.town = town; self.region = region
        self.staffCount = staffCount; self.reps = reps
    }
}

/// Members counted by workplace and section: the cell every grouping is summed from.
public struct ReportCell: Sendable, Hashable {
    /// nil: members with no workplace.
    public var workplaceID: Int64?
    public var section: String?
    public var active: Int
    /// Active members who joined in the last 90 days.
    public var newStarters: Int
    /// Active members who are reps (for grouping by section).
    public var reps: Int

    public init(workplaceID: Int64?, section: String?, active: Int, newStarters: Int, reps: Int) {
        self.workplaceID = workplaceID; self.section = section; self.active = active
        self.newStarters = newStarters; self.reps = reps
    }
}

/// A ballot open now or closed within the period, with its eligibility counted by workplace and section.
public struct ReportBallot: Sendable, Hashable {
    public var id: Int64
    public var title: String
    public var opensAt: Date
    public var closesAt: Date
    /// A fraction (0.5 is 50%); nil when the ballot has none.
    public var threshold: Double?
    public var cells: [Cell]

    public struct Cell: Sendable, Hashable {
        public var workplaceID: Int64?
        public var section: String?
        public var eligible: Int
        public var voted: Int
        public init(workplaceID: Int64?, section: String?, eligible: Int, voted: Int) {
            self.workplaceID = workplaceID; self.section = section; self.eligible = eligible; self.voted = voted
        }
    }

    public init(id: Int64, title: String, opensAt: Date, closesAt: Date, threshold: Double?, cells: [Cell]) {
        self.id = id; self.title = title; self.opensAt = opensAt; self.closesAt = closesAt
        self.threshold = threshold; self.cells = cells
    }

    public func isOpen(at now: Date) -> Bool { opensAt <= now && now < closesAt }
}

/// An event in the period (or coming soon) with its reach.
public struct ReportEvent: Sendable, Hashable {
    public var id: Int64
    public var kind: String
    public var title: String
    public var startsAt: Date
    /// The workplace's name; nil for a district-wide event.
    public var workplace: String?
    /// Active members it is for: its workplace's, or everyone's when district-wide.
    public var invited: Int
    /// Registrations `registered` or `attended`.
    public var registered: Int
    public var attended: Int

    public init(id: Int64, kind: String, title: String, startsAt: Date, workplace: String?, invited: Int, registered: Int, attended: Int) {
        self.id = id; self.kind = kind; self.title = title; self.startsAt = startsAt; self.workplace = workplace
        self.invited = invited; self.registered = registered; self.attended = attended
    }
}

/// A calendar month of the period.
public struct ReportMonth: Sendable, Hashable {
    /// `2026-11`.
    public var month: String
    /// Members whose `joined_on` falls in the month (whatever their status now).
    public var joined: Int
    /// Recorded changes from active to lapsed or left in the month.
    public var left: Int
    /// Active members at the month's end (at today, for the current month).
    public var activeAtEnd: Int
    /// True when no snapshot covers the month's end: `activeAtEnd` is reckoned from `joined_on`
    /// (members who joined by then and are active now or left after it), and `left` may be short.
    public var estimate: Bool

    public init(month: String, joined: Int, left: Int, activeAtEnd: Int, estimate: Bool) {
        self.month = month; self.joined = joined; self.left = left; self.activeAtEnd = activeAtEnd; self.estimate = estimate
    }
}

/// Active members on one day, for the chart.
public struct ReportPoint: Sendable, Hashable {
    public var day: LocalDay
    public var active: Int
    public var estimate: Bool
    public init(day: LocalDay, active: Int, estimate: Bool) { self.day = day; self.active = active; self.estimate = estimate }
}

/// Members of one section by status, and who entered it in the period.
public struct ReportSectionCount: Sendable, Hashable {
    public var section: String
    public var active: Int
    public var lapsed: Int
    public var left: Int
    /// Members muster saw enter the section during the period (not those already there when history began).
    public var entered: Int
    /// Of those, how many are active now.
    public var enteredStillActive: Int

    public init(section: String, active: Int, lapsed: Int, left: Int, entered: Int, enteredStillActive: Int) {
        self.section = section; self.active = active; self.lapsed = lapsed; self.left = left
        self.entered = entered; self.enteredStillActive = enteredStillActive
    }
}

/// Everything the report is made from: read by `ReportQueries` in MusterStore, judged by `Report`.
public struct ReportInput: Sendable {
    public var organisation: String
    public var now: Date
    public var zone: TimeZone
    /// The first day of the period's first month.
    public var periodStart: LocalDay
    public var workplaces: [ReportWorkplace]
    public var cells: [ReportCell]
    public var ballots: [ReportBallot]
    public var events: [ReportEvent]
    public var months: [ReportMonth]
    public var series: [ReportPoint]
    public var sections: [ReportSectionCount]
    /// Members by status over the whole district.
    public var active: Int
    public var lapsed: Int
    public var left: Int
    /// The first snapshot's day; nil when muster has none yet.
    public var historySince: LocalDay?

    public init(
        organisation: String, now: Date, zone: TimeZone, periodStart: LocalDay, workplaces: [ReportWorkplace],
        cells: [ReportCell], ballots: [ReportBallot] = [], events: [ReportEvent] = [], months: [ReportMonth] = [],
        series: [ReportPoint] = [], sections: [ReportSectionCount] = [], active: Int, lapsed: Int = 0, left: Int = 0,
        historySince: LocalDay? = nil
    ) {
        self.organisation = organisation; self.now = now; self.zone = zone; self.periodStart = periodStart
        self.workplaces = workplaces; self.cells = cells; self.ballots = ballots; self.events = events
        self.months = months; self.series = series; self.sections = sections
        self.active = active; self.lapsed = lapsed; self.left = left; self.historySince = historySince
    }
}
