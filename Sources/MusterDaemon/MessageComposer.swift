// From occurrences to outbox entries: who may be mailed, the rendered message, its MIME bytes.
import Foundation
import MusterCore
import MusterLinks
import MusterStore
import MusterTemplates

/// Turns due occurrences into outbox entries, rendering each message once; the bytes stored are the
/// bytes sent, on every attempt.
///
/// A member who may not be mailed still gets an entry, `suppressed` with the reason (no address,
/// opted out, unsubscribed from the topic, bounced), so the outbox says why. A row that cannot
/// make a message (a member gone, an impossible address, a template that fails) gives an entry
/// `failed` with the reason: one bad row never stops the rest.
struct MessageComposer: Sendable {
    let district: District
    let links: (any LinkMaking)?

    func compose(_ occurrences: [Occurrence], suppressions: SuppressionList, now: Date) throws -> [NewOutboxEntry] {
        let report = try PassReport.make(for: occurrences, district: district, now: now)
        var loaded = try RenderInputs.load(for: occurrences, district: district, now: now)
        if let digest = report.digest {
            for o in occurrences where report.rules.contains(o.rule) { loaded[o]?.report = digest }
        }
        let inputs = loaded
        // Rendering is pure and most of a tick's work: spread it over the cores, in slices, order kept.
        let slices = occurrences.count < 64 ? 1 : min(ProcessInfo.processInfo.activeProcessorCount, 8)
        @Sendable func composeAll(_ part: ArraySlice<Occurrence>) -> [NewOutboxEntry] {
            var invites: [Int64: MIMEPart] = [:]
            let cache = RenderCache()
            return part.map {
                compose($0, input: inputs[$0], suppressions: suppressions, now: now, invites: &invites, cache: cache,
                        attachment: report.attachments[$0.rule])
            }
        }
        if slices == 1 { return composeAll(occurrences[...]) }
        let out = ComposedSlices(count: slices)
        let per = (occurrences.count + slices - 1) / slices
        DispatchQueue.concurrentPerform(iterations: slices) { k in
            out.set(k, composeAll(occurrences[min(k * per, occurrences.count)..<min((k + 1) * per, occurrences.count)]))
        }
        return out.joined()
    }

    /// One entry, on its own (preview).
    func compose(_ o: Occurrence, input: RenderInput?, suppressions: SuppressionList, now: Date) -> NewOutboxEntry {
        var invites: [Int64: MIMEPart] = [:]
        return compose(o, input: input, suppressions: suppressions, now: now, invites: &invites, cache: RenderCache())
    }

    /// One entry. `invites` holds the calendar attachments made so far in this pass, by event:
    /// one event's invite at one `now` is the same for every recipient. `cache` keeps the shared
    /// parts of render contexts; both belong to the calling thread.
    func compose(
        _ o: Occurrence, input: RenderInput?, suppressions: SuppressionList, now: Date, invites: inout [Int64: MIMEPart],
        cache: RenderCache, attachment: MIMEPart? = nil
    ) -> NewOutboxEntry {
        let mail = district.config.mail
        let messageID = MIMEMessage.messageID(forKey: o.dedupeKey, domain: mail.from.domain)
        func skip(suppressed: String? = nil, failed: String? = nil, recipient: String? = nil) -> NewOutboxEntry {
            NewOutboxEntry(occurrence: o, recipient: recipient, messageID: messageID, message: nil,
                           suppressedReason: suppressed, failedReason: failed)
        }
        guard var input else { return skip(failed: "member \(o.memberID) is no longer in the database") }
        let member = input.member
        guard let email = member.email.map(Self.trimmed), !email.isEmpty else {
            return skip(suppressed: "no email address")
        }
        guard MailAddress.isPlausible(email) else { return skip(failed: "the email address is not valid", recipient: nil) }
        if member.emailOptOut { return skip(suppressed: "opted out of email", recipient: email) }
        if let reason = suppressions.reason(memberID: member.id, email: email, topic: o.topic) {
            return skip(suppressed: reason, recipient: email)
        }
        input.links = links?.messageLinks(
            memberID: member.id, topic: o.topic, eventID: o.eventID, ballotID: o.ballotID, expires: linkExpiry(o, input))
            ?? MessageLinks()
        if let links, input.repLists?.names == true {
            // Each name on a rep's list carries the link by which this rep reports that member's vote.
            input.repLists?.fillMarkVoted { memberID, ballot in
                links.markVotedURL(repID: member.id, memberID: memberID, ballotID: ballot.id,
                                   expires: LinkSigner.votedExpiry(closesAt: ballot.closesAt))
            }
        }
        let content: MessageContent
        do {
            content = try district.templates.render(template: o.template, input: input, cache: cache)
        } catch {
            return skip(failed: "cannot render \(o.template): \(error)", recipient: email)
        }
        var headers: [MIMEHeader] = []
        if let url = links?.unsubscribeURL(memberID: member.id, topic: o.topic) {
            headers += MIMEMessage.listUnsubscribeHeaders(url: url)
        }
        var invitePart: MIMEPart? = attachment
        if o.calendar, let e = input.event {
            // SEQUENCE is the event's revision: the same for every reminder of an unchanged event,
            // higher after a change. A cancelled event's notice cancels the entry (same UID).
            let cancel = e.status == .cancelled
            let key = e.id &* 2 &+ (cancel ? 1 : 0)
            if let made = invites[key] {
                invitePart = made
            } else {
                let invite = CalendarInvite(
                    uid: CalendarInvite.uid(eventID: e.id, domain: mail.from.domain), stamp: now, start: e.startsAt,
                    end: e.endsAt, sequence: input.eventChange?.revision ?? 0, summary: e.title, location: e.location,
                    description: e.description, url: e.url, organizer: mail.from, method: cancel ? .cancel : .publish)
                invitePart = MIMEMessage.calendarPart(invite)
                invites[key] = invitePart
            }
        }
        let message = MIMEMessage(
            from: mail.from, replyTo: mail.replyTo, to: MailAddress(email, name: member.fullName), content: content,
            date: now, messageID: messageID, extraHeaders: headers, invitePart: invitePart)
        return NewOutboxEntry(
            occurrence: o, recipient: email, messageID: messageID, message: message.render(),
            notBefore: quietHoursEnd(for: o, zone: input.timeZone, now: now, change: input.eventChange))
    }

    /// `s` without spaces and tabs at either end (an address as typed into a spreadsheet).
    static func trimmed(_ s: String) -> String {
        guard let first = s.utf8.first, let last = s.utf8.last,
              first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09 || !s.utf8.allSatisfy({ $0 < 0x80 })
        else { return s }
        return s.trimmingCharacters(in: .whitespaces)
    }

    /// When "I've voted" and RSVP links stop working: a day after the ballot closes, at the event's start.
    func linkExpiry(_ o: Occurrence, _ input: RenderInput) -> Date? {
        if let b = input.ballot { return LinkSigner.votedExpiry(closesAt: b.ballot.closesAt) }
        if let e = input.event { return LinkSigner.rsvpExpiry(startsAt: e.startsAt) }
        return nil
    }

    /// For a step with no `at` (the occurrence says), due inside the recipient's quiet hours: the
    /// local end of them. A step that names its time goes at that time, even inside quiet hours
    /// (the organiser chose it); but once that time is more than `lateAt` past (muster was down,
    /// the tick came late) it waits out quiet hours like any other, so a 17:00 reminder found at
    /// 23:50 goes at 08:00 (or, past its grace, not at all), never at midnight.
    ///
    /// A notice that an event changed or was cancelled is time-critical, but not so critical that a
    /// meeting five days off is worth a message at 01:50: it waits for the end of quiet hours when
    /// it still arrives `noticeLead` before the event (at the sooner of its old and new start), and
    /// goes at once when waiting would leave less than that.
    func quietHoursEnd(for o: Occurrence, zone: TimeZone, now: Date, change: EventChange? = nil) -> Date? {
        guard let quiet = district.config.mail.quietHours else { return nil }
        if o.notice {
            guard let end = quiet.end(after: max(o.due, now), in: zone) else { return nil }
            let starts = [change?.event.startsAt, change?.previous?.startsAt ?? nil].compactMap { $0 }.min()
            guard let starts, end.addingTimeInterval(Self.noticeLead) <= starts else { return nil }
            return end
        }
        if o.atLocalTime {
            guard now.timeIntervalSince(o.due) > Self.lateAt else { return nil }
            return quiet.end(after: now, in: zone)
        }
        return quiet.end(after: o.due, in: zone)
    }

    /// How late a step with `at` may go out inside quiet hours: a pass's usual delay, not an outage.
    static let lateAt: TimeInterval = 15 * 60

    /// How long before an event a notice of its change must arrive for it to wait out quiet hours.
    static let noticeLead: TimeInterval = 2 * 3600
}

/// The organising report for the recurring rules among a pass's occurrences: `report` in their
/// context, and the HTML attachment for those with `attach: report.html`. Made once per compose.
struct PassReport {
    var digest: ReportDigest?
    /// Recurring rules whose messages get `report`.
    var rules: Set<String> = []
    /// Rule id → its attachment.
    var attachments: [String: MIMEPart] = [:]

    static func make(for occurrences: [Occurrence], district: District, now: Date) throws -> PassReport {
        let recurring = district.rules.filter { $0.kind == .recurring }
        let due = Set(occurrences.map(\.rule))
        let rules = recurring.filter { due.contains($0.id) }
        guard !rules.isEmpty else { return PassReport() }
        let org = district.config.organisation
        let input = try district.store.reportInput(organisation: org.name, now: now, zone: org.timeZone, months: 12)
        let report = Report(input)
        var out = PassReport(digest: ReportDigest(report), rules: Set(rules.map(\.id)))
        let attaching = rules.filter { $0.attachments.contains("report.html") }
        if !attaching.isEmpty {
            let part = MIMEMessage.htmlAttachment(ReportHTML.render(report), filename: "report.html")
            for r in attaching { out.attachments[r.id] = part }
        }
        return out
    }
}

/// The render inputs for a set of occurrences, loaded in groups that share an event, ballot or digest.
enum RenderInputs {
    struct Group: Hashable { var event: Int64?; var ballot: Int64?; var digest: Bool; var repLists: Bool }

    static func load(for occurrences: [Occurrence], district: District, now: Date) throws -> [Occurrence: RenderInput] {
        let queries = RenderQueries(
            store: district.store, organisation: district.config.organisation, seeNames: district.config.reps.seeNames)
        let digestRules = Set(district.rules.filter { $0.kind == .recurring }.map(\.id))
        let repSteps = Set(district.rules.flatMap { rule in
            rule.steps.indices.filter { rule.steps[$0].to == .reps }.map { "\(rule.id)/\($0 + 1)" }
        })
        var out: [Occurrence: RenderInput] = [:]
        let groups = Dictionary(grouping: occurrences) {
            Group(event: $0.eventID, ballot: $0.ballotID, digest: digestRules.contains($0.rule),
                  repLists: repSteps.contains("\($0.rule)/\($0.step)"))
        }
        for (g, os) in groups {
            let inputs = try queries.inputs(
                memberIDs: Array(Set(os.map(\.memberID))), eventID: g.event, ballotID: g.ballot, digest: g.digest,
                repLists: g.repLists, now: now)
            for o in os { out[o] = inputs[o.memberID] }
        }
        return out
    }
}

/// The slices composed in parallel, gathered in order.
private final class ComposedSlices: @unchecked Sendable {
    private let lock = NSLock()
    private var slices: [[NewOutboxEntry]]
    init(count: Int) { slices = Array(repeating: [], count: count) }
    func set(_ k: Int, _ entries: [NewOutboxEntry]) { lock.lock(); slices[k] = entries; lock.unlock() }
    func joined() -> [NewOutboxEntry] { lock.lock(); defer { lock.unlock() }; return slices.flatMap { $0 } }
}
