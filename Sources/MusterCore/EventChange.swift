// An event as muster last saw it, with its revision and what it was before: what notices are made from.
import Foundation

/// One revision of an event (`muster_event_revisions`): the details now, and the start, end,
/// location and status of the revision before (nil at revision 0, the first sighting).
///
/// Revisions are the calendar SEQUENCE: a reminder of an unchanged event always carries the same
/// one, and a change or cancellation a higher one, so calendars replace their entry.
public struct EventChange: Sendable, Hashable {
    public var event: Event
    public var revision: Int
    public var previous: Previous?
    /// When muster first saw this revision.
    public var changedAt: Date

    public struct Previous: Sendable, Hashable {
        public var startsAt: Date?
        public var endsAt: Date?
        public var location: String?
        public var status: EventStatus?

        public init(startsAt: Date?, endsAt: Date?, location: String?, status: EventStatus?) {
            self.startsAt = startsAt; self.endsAt = endsAt; self.location = location; self.status = status
        }
    }

    public init(event: Event, revision: Int, previous: Previous?, changedAt: Date) {
        self.event = event; self.revision = revision; self.previous = previous; self.changedAt = changedAt
    }

    public var isCancelled: Bool { event.status == .cancelled }

    /// The start or end moved.
    public var moved: Bool {
        guard let p = previous else { return false }
        return p.startsAt != event.startsAt || p.endsAt != event.endsAt
    }

    /// The location changed.
    public var relocated: Bool {
        guard let p = previous else { return false }
        return Self.place(p.location) != Self.place(event.location)
    }

    static func place(_ text: String?) -> String? {
        guard let t = text?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty else { return nil }
        return t
    }

    /// Notices of this revision are never sent at or after the later of the old and new start.
    public var noticeExpiry: Date {
        max(previous?.startsAt ?? event.startsAt, event.startsAt)
    }

    /// Which notice this revision calls for.
    public var notice: EventNotice { isCancelled ? .cancelled : .changed }

    /// The occurrence name of this revision's notice, part of its outbox key: `changed-r2`, `cancelled-r3`.
    public var noticeOccurrence: String { "\(notice.rawValue)-r\(revision)" }
}

/// The two notices an event rule may name: `changed:` and `cancelled:`.
public enum EventNotice: String, Sendable, Hashable, CaseIterable {
    case changed, cancelled
}

/// An event rule's notice templates (`changed: meeting-changed`, `cancelled: meeting-cancelled`).
public struct EventNoticeTemplates: Sendable, Hashable {
    public var changed: String?
    public var cancelled: String?

    public init(changed: String? = nil, cancelled: String? = nil) {
        self.changed = changed; self.cancelled = cancelled
    }

    public subscript(_ notice: EventNotice) -> String? {
        switch notice {
        case .changed: return changed
        case .cancelled: return cancelled
        }
    }

    public var all: [String] { [changed, cancelled].compactMap { $0 } }

    /// The step number notices carry in the outbox: 0, before every real step.
    public static let step = 0

    /// The notice of `change` for `member`, from `rule`: due at `now`, expiring at the later start.
    /// Nil when the rule names no template for it or the notice would already have expired.
    public func occurrence(rule: Rule, change: EventChange, member: Int64, now: Date) -> Occurrence? {
        guard let template = self[change.notice], !Expiry.hasPassed(change.noticeExpiry, at: now) else { return nil }
        return Occurrence(
            rule: rule.id, step: Self.step, template: template, topic: rule.topic, memberID: member,
            eventID: change.event.id, occurrence: change.noticeOccurrence, due: now, expires: change.noticeExpiry,
            calendar: rule.calendar, atLocalTime: false, notice: true)
    }
}
