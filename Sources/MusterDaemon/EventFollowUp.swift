// A pass's first step: see which events changed, stop or rewrite what is queued about them, plan notices.
import Foundation
import MusterCore
import MusterStore

/// The changes a pass follows up, and the notices they call for.
struct EventFollowUp: Sendable {
    var changes: [EventChange] = []
    /// Notices to enqueue with the rest of the pass (due now, marked `notice`).
    var notices: [Occurrence] = []
}

extension Engine {
    /// Records event revisions (`EventRevisions.observe`), then for each revision not yet followed
    /// up: a cancellation suppresses every queued message about the event (`event cancelled`); a
    /// change suppresses queued notices of an earlier revision and renders the queued reminders
    /// again with the new details (same key and Message-ID, new expiry). Returns the notices due:
    /// one per member who was sent a message about the event or is registered, from the rule
    /// `EventRevisions.rule(for:among:)` picks. `markFollowedUp` is called once they are enqueued.
    func followEventChanges(now: Date, into s: inout PassSummary) throws -> EventFollowUp {
        let revisions = EventRevisions(district.store)
        try revisions.observe(now: now)
        var out = EventFollowUp()
        for change in try revisions.pending() {
            let id = change.event.id
            if change.isCancelled {
                let n = try outbox.suppressQueued(aboutEvent: id, reason: LateSuppression.eventCancelled.reason, now: now)
                s.suppressedByEventChange += n
                if n > 0 { logger.info("event=\(id) revision=\(change.revision) status=cancelled suppressed=\(n)") }
            } else {
                s.suppressedByEventChange += try outbox.suppressQueued(
                    aboutEvent: id, reason: LateSuppression.noticeSuperseded.reason, onlyNoticesBefore: change.revision, now: now)
                let n = try rerender(aboutEvent: change, now: now)
                s.rerendered += n
                if n > 0 { logger.info("event=\(id) revision=\(change.revision) status=changed rerendered=\(n)") }
            }
            out.changes.append(change)
            guard let rule = try revisions.rule(for: change, among: district.rules) else { continue }
            for member in try revisions.noticeRecipients(eventID: id) {
                if let o = rule.notices.occurrence(rule: rule, change: change, member: member, now: now) {
                    out.notices.append(o)
                }
            }
        }
        s.notices += out.notices.count
        return out
    }

    /// Notes the changes followed up, once their notices are in the outbox.
    func markFollowedUp(_ followUp: EventFollowUp) throws {
        let revisions = EventRevisions(district.store)
        for change in followUp.changes { try revisions.markFollowedUp(change) }
    }

    /// Renders the queued reminders about `change.event` again; returns how many were rewritten.
    func rerender(aboutEvent change: EventChange, now: Date) throws -> Int {
        let queued = try outbox.queued(aboutEvent: change.event.id)
        guard !queued.isEmpty else { return 0 }
        let rules = Dictionary(district.rules.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var occurrences: [Occurrence] = []
        var ids: [Occurrence: Int64] = [:]
        for e in queued {
            guard e.step >= 1, let rule = rules[e.rule], e.step <= rule.steps.count else { continue }
            let step = rule.steps[e.step - 1]
            let o = Occurrence(
                rule: rule.id, step: e.step, template: step.template, topic: e.topic, memberID: e.memberID,
                eventID: e.eventID, ballotID: e.ballotID, occurrence: e.occurrence, due: e.dueAt,
                expires: Expiry.instant(rule: rule, due: e.dueAt, eventStart: change.event.startsAt, ballotClose: nil),
                calendar: rule.calendar, atLocalTime: step.at != nil)
            occurrences.append(o)
            ids[o] = e.id
        }
        let suppressions = try outbox.loadSuppressions()
        let drafts = try MessageComposer(district: district, links: links).compose(occurrences, suppressions: suppressions, now: now)
        let rewritten = drafts.compactMap { d -> (id: Int64, message: Data, expires: Date)? in
            guard let message = d.message, let id = ids[d.occurrence] else { return nil }
            return (id, message, d.occurrence.expires)
        }
        return try outbox.rewrite(rewritten, now: now)
    }
}
