// What the planner decides: one message that a rule says is due for one member.
import Foundation

/// One planned message: rule, step, member, and the event, ballot or repetition it belongs to.
///
/// Its `dedupeKey` is what the outbox keeps UNIQUE, so the same occurrence is enqueued once, ever,
/// however often it is planned.
public struct Occurrence: Sendable, Hashable {
    /// The rule's id: its schedule file's name without `.yaml`.
    public var rule: String
    /// The step's number in the rule, from 1 (a recurring rule has one step, 1).
    public var step: Int
    public var template: String
    public var topic: String
    public var memberID: Int64
    public var eventID: Int64?
    public var ballotID: Int64?
    /// Names a repetition (a cron instant, the n-th `every` of a ballot); empty when the step happens once.
    public var occurrence: String
    /// When it should be sent.
    public var due: Date
    /// After this it is never sent (an event's start, a ballot's close, else due + grace).
    public var expires: Date
    /// Attach a calendar invite (event rules with `calendar: true`).
    public var calendar: Bool
    /// The step names its local time (`at: "09:00"`): quiet hours do not move it.
    public var atLocalTime: Bool
    /// A notice that an event changed or was cancelled (step 0, `changed-r2`): time-critical, so
    /// quiet hours do not hold it, and it is `high` priority for the member limits.
    public var notice: Bool
    /// The step's priority (its own, else its rule's), for the member limits.
    public var priority: Priority = .normal
    /// The member's zone, an index into the planning pass's `ZoneTable` (`PlanResult.zones`).
    public var zone: Int32 = 0

    public init(
        rule: String, step: Int, template: String, topic: String, memberID: Int64,
        eventID: Int64? = nil, ballotID: Int64? = nil, occurrence: String = "",
        due: Date, expires: Date, calendar: Bool = false, atLocalTime: Bool = false, notice: Bool = false
    ) {
        self.notice = notice
        // A notice that an event changed goes before anything else a member is due (DESIGN.md).
        if notice { priority = .high }
        self.rule = rule; self.step = step; self.template = template; self.topic = topic
        self.memberID = memberID; self.eventID = eventID; self.ballotID = ballotID
        self.occurrence = occurrence; self.due = due; self.expires = expires; self.calendar = calendar
        self.atLocalTime = atLocalTime
    }

    /// `rule/step/member/event/ballot/occurrence`, e.g. `welcome/2/m17/-/-/` or `reps-weekly/1/m5/-/-/2026-11-30T07:00`.
    public var dedupeKey: String {
        "\(rule)/\(step)/m\(memberID)/\(eventID.map { "e\($0)" } ?? "-")/\(ballotID.map { "b\($0)" } ?? "-")/\(occurrence)"
    }
}
