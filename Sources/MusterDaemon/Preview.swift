// muster preview and send-test: one message, rendered exactly as tick would store and send it.
import Foundation
import MusterCore
import MusterMail
import MusterStore
import MusterTemplates

/// One message as it would be sent, or why it would not be.
public struct PreviewResult: Sendable {
    public var occurrence: Occurrence
    /// The message bytes; nil when the member could not be mailed at all (no address, bad data).
    public var message: Data?
    /// Why this member would not be mailed (opted out, unsubscribed, bounced, no address, bad data).
    public var wouldNotSend: String?
}

/// A mistake in what `preview` or `send-test` was asked for, said for a person.
public struct PreviewError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension District {
    /// Renders step `step` (from 1) of `ruleID` for `memberID`, about `eventID` or `ballotID` (else the
    /// next fitting event or open ballot), as `tick` would at `now`.
    public func preview(
        ruleID: String, memberID: Int64, step: Int, eventID: Int64?, ballotID: Int64?, now: Date, links: (any LinkMaking)?
    ) throws -> PreviewResult {
        guard let rule = rule(named: ruleID) else {
            throw PreviewError("there is no rule '\(ruleID)' (rules: \(rules.map(\.id).joined(separator: ", ")))")
        }
        guard step >= 1, step <= rule.steps.count else {
            throw PreviewError("rule '\(ruleID)' has steps 1 to \(rule.steps.count) (got --step \(step))")
        }
        var ids = try exampleIDs(for: rule, memberID: memberID, now: now) ?? ExampleIDs(member: memberID)
        if let eventID { ids.event = eventID }
        if let ballotID { ids.ballot = ballotID }
        switch rule.kind {
        case .event where ids.event == nil: throw PreviewError("rule '\(ruleID)' is about events: pass --event ID (no upcoming event fits it)")
        case .ballot where ids.ballot == nil: throw PreviewError("rule '\(ruleID)' is about ballots: pass --ballot ID (no open ballot)")
        default: break
        }
        let queries = RenderQueries(store: store, organisation: config.organisation, seeNames: config.reps.seeNames)
        guard var input = try queries.input(
            memberID: memberID, eventID: ids.event, ballotID: ids.ballot, digest: ids.digest,
            repLists: rule.steps[step - 1].to == .reps, now: now) else {
            throw PreviewError("there is no member with id \(memberID)")
        }
        let expires = Expiry.instant(rule: rule, due: now, eventStart: input.event?.startsAt, ballotClose: input.ballot?.ballot.closesAt)
        let o = Occurrence(
            rule: rule.id, step: step, template: rule.steps[step - 1].template, topic: rule.topic, memberID: memberID,
            eventID: ids.event, ballotID: ids.ballot, occurrence: "preview", due: now, expires: expires, calendar: rule.calendar,
            atLocalTime: rule.steps[step - 1].at != nil)
        let composer = MessageComposer(district: self, links: links)
        let suppressions = try OutboxStore(store).loadSuppressions()
        let report = try PassReport.make(for: [o], district: self, now: now)
        if report.rules.contains(o.rule) { input.report = report.digest }
        let attachment = report.attachments[o.rule]
        var invites: [Int64: MIMEPart] = [:]
        let real = composer.compose(o, input: input, suppressions: suppressions, now: now, invites: &invites, cache: RenderCache(), attachment: attachment)
        let shown = real.message == nil
            ? composer.compose(o, input: input, suppressions: SuppressionList(), now: now, invites: &invites, cache: RenderCache(), attachment: attachment)
            : real
        return PreviewResult(occurrence: o, message: shown.message, wouldNotSend: real.failedReason ?? real.suppressedReason)
    }

    /// Renders `template` for `memberID` (or sample data) and sends it to `address` at once, outside the
    /// outbox, with "[test]" before the subject. Returns the transport's result.
    public func sendTest(
        template: String, to address: String, memberID: Int64?, now: Date, transport: any MailTransport
    ) async throws -> DeliveryResult {
        guard MailAddress.isPlausible(address) else { throw PreviewError("--to \"\(address)\" is not an email address") }
        guard templates.contains(template) else {
            throw PreviewError("template '\(template)' not found (looked for \(templates.file(of: template)))")
        }
        let rule = rules.first { $0.templates.contains(template) }
        let kind = rule?.kind.contextKind ?? .sequence
        var input = RenderInput.sample(for: kind, organisation: config.organisation)
        if let memberID {
            let ids = try rule.flatMap { try exampleIDs(for: $0, memberID: memberID, now: now) } ?? ExampleIDs(member: memberID)
            let queries = RenderQueries(store: store, organisation: config.organisation)
            guard let real = try queries.input(memberID: memberID, eventID: ids.event, ballotID: ids.ballot, digest: ids.digest, now: now) else {
                throw PreviewError("there is no member with id \(memberID)")
            }
            input = real
        }
        var content = try templates.render(template: template, input: input)
        content.subject = "[test] " + content.subject
        let from = config.mail.from
        let messageID = MIMEMessage.messageID(forKey: "send-test/\(template)/\(now.timeIntervalSince1970)/\(UUID().uuidString)", domain: from.domain)
        let message = MIMEMessage(
            from: from, replyTo: config.mail.replyTo, to: MailAddress(address), content: content, date: now, messageID: messageID)
        let results = await transport.send([
            OutgoingMessage(id: Int64(Date().timeIntervalSince1970 * 1000), sender: from.address, recipient: address, messageID: messageID, data: message.render()),
        ])
        return results.first ?? .deferred(reply: "no result from the transport")
    }
}
