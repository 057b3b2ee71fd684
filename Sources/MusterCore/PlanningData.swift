// What the planner reads: per rule, the members, events and ballots the store found for it.
import Foundation

/// The time zones a planning pass uses, each once: index 0 is the organisation's.
///
/// Members carry an index, not a `TimeZone`, so half a million of them stay small, and local-time
/// computations can be cached per (zone, day).
public struct ZoneTable: Sendable {
    public private(set) var zones: [TimeZone]
    private var indexes: [String: Int32] = [:]

    public init(organisation: TimeZone) {
        zones = [organisation]
    }

    /// The index of the zone named `identifier`; 0 (the organisation's) for nil, empty or unknown names.
    public mutating func index(of identifier: String?) -> Int32 {
        guard let identifier, !identifier.isEmpty else { return 0 }
        if let i = indexes[identifier] { return i }
        var i: Int32 = 0
        if let zone = TimeZone.named(identifier) {
            if zone.identifier == zones[0].identifier {
                i = 0
            } else {
                zones.append(zone)
                i = Int32(zones.count - 1)
            }
        }
        indexes[identifier] = i
        return i
    }

    public var organisation: TimeZone { zones[0] }

    public subscript(_ index: Int32) -> TimeZone { zones[Int(index)] }
}

/// A recipient as the planner needs them: the id and the index of their zone in the `ZoneTable`.
/// Names and addresses are not here: rendering fetches them per message.
public struct PlanningMember: Sendable, Hashable {
    public var id: Int64
    public var zone: Int32

    public init(id: Int64, zone: Int32 = 0) {
        self.id = id; self.zone = zone
    }
}

/// A member of a sequence's audience with what the sequence counts from.
public struct AnchoredMember: Sendable, Hashable {
    public var id: Int64
    public var zone: Int32
    public var anchor: MemberAnchor

    public init(id: Int64, zone: Int32 = 0, anchor: MemberAnchor) {
        self.id = id; self.zone = zone; self.anchor = anchor
    }
}

/// What a sequence counts from, for one member.
public enum MemberAnchor: Sendable, Hashable {
    /// A date column's value (`joined_on`): local midnight of that day in the member's zone.
    case day(LocalDay)
    /// When muster first saw the member in the audience (`muster_audience_entries.entered_at`).
    /// A baseline entry (in the audience before the rule was first planned) is never mailed.
    case entered(Date, baseline: Bool)
}

/// An event and the members it speaks to (recipients and audience already applied).
public struct EventPlan: Sendable, Hashable {
    public var event: Event
    public var recipients: [PlanningMember]

    public init(event: Event, recipients: [PlanningMember]) {
        self.event = event; self.recipients = recipients
    }
}

/// A ballot and the members it speaks to (recipients and audience already applied).
public struct BallotPlan: Sendable, Hashable {
    public var ballot: Ballot
    public var recipients: [PlanningMember]
    /// For `to: reps` steps: active reps at workplaces with eligible members who have not voted.
    public var reps: [PlanningMember]

    public init(ballot: Ballot, recipients: [PlanningMember], reps: [PlanningMember] = []) {
        self.ballot = ballot; self.recipients = recipients; self.reps = reps
    }
}

/// One rule's input, matching its kind.
public enum RuleInput: Sendable, Hashable {
    case sequence([AnchoredMember])
    case events([EventPlan])
    case ballots([BallotPlan])
    case recurring([PlanningMember])
}

/// Everything a planning pass reads, loaded by the store (or built by hand in tests).
public struct PlanningData: Sendable {
    public var zones: ZoneTable
    /// Per rule id. A rule with no input plans nothing.
    public var inputs: [String: RuleInput]
    /// Per rule id: the last instant it was planned (`muster_rule_state.last_planned_at`); absent if never.
    public var lastPlanned: [String: Date]

    public init(zones: ZoneTable, inputs: [String: RuleInput] = [:], lastPlanned: [String: Date] = [:]) {
        self.zones = zones; self.inputs = inputs; self.lastPlanned = lastPlanned
    }
}

/// What a planning pass decided.
public struct PlanResult: Sendable {
    /// Due in the window, in rule order, then event or ballot, then member, then step.
    public var occurrences: [Occurrence]
    /// Per rule id (only rules with some): occurrences whose due time is more than the rule's grace
    /// ago, so they are never sent, counted from the rule's last planning (or the last 30 days).
    public var skippedPastGrace: [String: Int]
    /// Per rule id: rules that failed alone in this pass (a refused or stopped `where:`), with the
    /// reason; they planned nothing and were not marked planned. Empty when every rule planned.
    public var failedRules: [String: String] = [:]
    /// The zones the occurrences' `zone` indexes name; nil for a result not made by `Planner.plan`.
    public var zones: ZoneTable?

    public init(occurrences: [Occurrence] = [], skippedPastGrace: [String: Int] = [:]) {
        self.occurrences = occurrences; self.skippedPastGrace = skippedPastGrace
    }
}
