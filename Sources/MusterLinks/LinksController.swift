// The link routes: a GET shows a page and changes nothing; a POST acts. Tokens are checked before anything.
import Foundation
import Hummingbird
import Logging
import MusterCore

/// Handlers for `/u/{token}`, `/v/{token}`, `/r/{token}`, `/m/{token}` (a rep reports a colleague's vote) and `/healthz`.
///
/// Refusals (each a plain page, nothing changed): malformed token 400, forged 403, wrong purpose 404,
/// expired 410, nothing for the token to act on (not in the ballot, no such event) 404, a rep who is
/// no longer rep at the member's workplace 403.
/// Log lines hold ids and outcomes only: `link=voted member=17 ballot=3 status=ok`.
struct LinksController: Sendable {
    let signer: LinkSigner
    let actions: LinkActions
    let organisation: Organisation
    let topics: LinkTopics
    let logger: Logger
    let now: @Sendable () -> Date

    static let maxBody = 16 * 1024

    func register(on router: Router<BasicRequestContext>) {
        router.get("/healthz") { _, _ in try await healthz() }
        router.get("/u/:token") { _, c in try await unsubscribePage(token(c)) }
        router.post("/u/:token") { r, c in try await unsubscribe(token(c), form: form(r)) }
        router.get("/v/:token") { _, c in try await votedPage(token(c)) }
        router.post("/v/:token") { _, c in try await voted(token(c)) }
        router.get("/r/:token") { _, c in try await rsvpPage(token(c)) }
        router.post("/r/:token") { r, c in try await rsvp(token(c), form: form(r)) }
        router.get("/m/:token") { _, c in try await markVotedPage(token(c)) }
        router.post("/m/:token") { _, c in try await markVoted(token(c)) }
    }

    /// The `Allow` header for a path `register(on:)` serves, whatever the method asked; nil for any other path.
    /// (HEAD comes with every GET: the router answers it from the GET route.)
    static func allowedMethods(path: String) -> String? {
        if path == "/healthz" { return "GET, HEAD" }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].isEmpty, ["u", "v", "r", "m"].contains(parts[1]), !parts[2].isEmpty else { return nil }
        return "GET, HEAD, POST"
    }

    // MARK: Health

    func healthz() async throws -> Response {
        let ok = await actions.isReadable()
        return Response(
            status: ok ? .ok : .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: ok ? "ok\n" : "database unreadable\n")))
    }

    // MARK: Unsubscribe

    func unsubscribePage(_ token: String) async throws -> LinkPage {
        guard case .unsubscribe(_, let topic) = try check(token, .unsubscribe).action else { return refused(.wrongPurpose) }
        var body = LinkPage.paragraph("Stop emails from \(organisation.name) about \(LinkTopics.label(topic))?")
        body += LinkPage.form(button: "Unsubscribe from \(LinkTopics.label(topic))", name: "topic", value: topic)
        let others = topics.names.filter { $0 != topic && topic != "*" }
        if topic != "*" {
            body += "<h2>Or choose</h2>"
            for other in others {
                body += LinkPage.form(button: "Stop emails about \(LinkTopics.label(other))", name: "topic", value: other, primary: false)
            }
            body += LinkPage.form(button: "Stop all emails from \(organisation.name)", name: "topic", value: "*", primary: false)
        }
        return page("Unsubscribe", body)
    }

    func unsubscribe(_ token: String, form: FormBody) async throws -> LinkPage {
        guard case .unsubscribe(let member, let tokenTopic) = try check(token, .unsubscribe, acting: true).action else { return refused(.wrongPurpose) }
        let topic = form["topic"] ?? tokenTopic
        guard topics.allows(topic, tokenTopic: tokenTopic) else {
            log("link=unsubscribe member=\(member) status=unknown_topic")
            return page("Unsubscribe", LinkPage.paragraph("That choice isn't one we offer. Please go back and choose again."), status: .badRequest)
        }
        let suppressed = try await act("unsubscribe member=\(member) topic=\(topic)") {
            try await actions.unsubscribe(memberID: member, topic: topic, now: now())
        }
        log("link=unsubscribe member=\(member) topic=\(topic) status=ok suppressed=\(suppressed)")
        let what = topic == "*" ? "any more emails" : "any more emails about \(LinkTopics.label(topic))"
        return page("You're unsubscribed", LinkPage.paragraph("You won't get \(what) from \(organisation.name)."))
    }

    // MARK: I've voted

    func votedPage(_ token: String) async throws -> LinkPage {
        guard case .voted(let member, let ballot) = try check(token, .voted).action else { return refused(.wrongPurpose) }
        guard let title = try await actions.ballotTitle(ballot, memberID: member) else { return notFound() }
        var body = LinkPage.paragraph("Have you voted in “\(title)”? Tell us and we'll stop reminding you.")
        body += LinkPage.paragraph("We only note that you've voted, never how.")
        body += LinkPage.form(button: "I've voted")
        return page("Have you voted?", body)
    }

    func voted(_ token: String) async throws -> LinkPage {
        guard case .voted(let member, let ballot) = try check(token, .voted, acting: true).action else { return refused(.wrongPurpose) }
        let outcome = try await act("voted member=\(member) ballot=\(ballot)") {
            try await actions.markVoted(memberID: member, ballotID: ballot, now: now())
        }
        switch outcome {
        case .recorded(let n):
            log("link=voted member=\(member) ballot=\(ballot) status=ok suppressed=\(n)")
        case .alreadyRecorded:
            log("link=voted member=\(member) ballot=\(ballot) status=already")
        case .notEligible:
            log("link=voted member=\(member) ballot=\(ballot) status=not_eligible")
            return notFound()
        }
        return page("Thank you for voting", LinkPage.paragraph("We've noted that you've voted, and we won't remind you about this ballot again."))
    }

    // MARK: A rep reports a colleague's vote

    func markVotedPage(_ token: String) async throws -> LinkPage {
        guard case .markVoted(let rep, let member, let ballot) = try check(token, .markVoted).action else { return refused(.wrongPurpose) }
        guard let summary = try await actions.voteReportSummary(repID: rep, memberID: member, ballotID: ballot) else {
            log("link=mark_voted view rep=\(rep) member=\(member) ballot=\(ballot) status=not_their_rep_or_not_eligible", level: .debug)
            return notTheirRep()
        }
        if summary.voted {
            return page("Already noted", LinkPage.paragraph("\(summary.member)'s vote in “\(summary.ballot)” is already noted. Thank you."))
        }
        var body = LinkPage.paragraph("Has \(summary.member) told you they've voted in “\(summary.ballot)”?")
        body += LinkPage.paragraph("We'll note that they've voted (never how) and stop reminding them. We'll also note that you told us.")
        body += LinkPage.form(button: "Mark \(summary.member) as voted")
        return page("Mark as voted?", body)
    }

    func markVoted(_ token: String) async throws -> LinkPage {
        guard case .markVoted(let rep, let member, let ballot) = try check(token, .markVoted, acting: true).action else { return refused(.wrongPurpose) }
        let outcome = try await act("mark_voted rep=\(rep) member=\(member) ballot=\(ballot)") {
            try await actions.repMarkVoted(repID: rep, memberID: member, ballotID: ballot, now: now())
        }
        switch outcome {
        case .recorded(let n):
            log("link=mark_voted rep=\(rep) member=\(member) ballot=\(ballot) status=ok suppressed=\(n)")
        case .alreadyRecorded:
            log("link=mark_voted rep=\(rep) member=\(member) ballot=\(ballot) status=already")
        case .notEligible:
            log("link=mark_voted rep=\(rep) member=\(member) ballot=\(ballot) status=not_eligible")
            return notFound()
        case .notTheirRep:
            log("link=mark_voted rep=\(rep) member=\(member) ballot=\(ballot) status=not_their_rep")
            return notTheirRep()
        }
        return page("Vote noted", LinkPage.paragraph("Thank you: we've noted that vote, and we won't remind them about this ballot again."))
    }

    /// A rep's link for a member they no longer represent (or who is not in the ballot): nothing shown, nothing changed.
    private func notTheirRep() -> LinkPage {
        page("This link doesn't work", LinkPage.paragraph("This link is for a rep of the member's workplace, and we can't find that you are one now. Nothing has been changed."),
             status: .forbidden)
    }

    // MARK: RSVP

    /// The page an RSVP link shows once its event is cancelled: nothing to answer.
    func cancelledEvent(_ title: String?, _ starts: Date?) -> LinkPage {
        var body = LinkPage.paragraph(title.map { "“\($0)” has been cancelled." } ?? "This event has been cancelled.")
        if let starts { body += LinkPage.paragraph("It was to be held on " + when(starts) + ".") }
        body += LinkPage.paragraph("There is nothing to answer. If it is rearranged, we'll write to you with the new date.")
        return page("This event is cancelled", body)
    }

    func rsvpPage(_ token: String) async throws -> LinkPage {
        guard case .rsvp(let member, let event, let answer) = try check(token, .rsvp).action else { return refused(.wrongPurpose) }
        guard let summary = try await actions.eventSummary(event, memberID: member) else { return notFound() }
        if summary.cancelled { return cancelledEvent(summary.title, summary.startsAt) }
        var body = LinkPage.paragraph("Can you come to “\(summary.title)”?")
        if let starts = summary.startsAt { body += LinkPage.paragraph(when(starts)) }
        let yes = LinkPage.form(button: "Yes, I'll be there", name: "answer", value: "yes", primary: answer == .yes)
        let no = LinkPage.form(button: "No, I can't come", name: "answer", value: "no", primary: answer == .no)
        body += answer == .yes ? yes + no : no + yes
        return page("Will you come?", body)
    }

    func rsvp(_ token: String, form: FormBody) async throws -> LinkPage {
        guard case .rsvp(let member, let event, let tokenAnswer) = try check(token, .rsvp, acting: true).action else { return refused(.wrongPurpose) }
        let answer: RSVPAnswer
        switch form["answer"] {
        case nil: answer = tokenAnswer
        case "yes": answer = .yes
        case "no": answer = .no
        default: return page("Will you come?", LinkPage.paragraph("Please go back and choose yes or no."), status: .badRequest)
        }
        let outcome = try await act("rsvp member=\(member) event=\(event)") {
            try await actions.rsvp(memberID: member, eventID: event, answer: answer, now: now())
        }
        switch outcome {
        case .recorded: log("link=rsvp member=\(member) event=\(event) answer=\(answer) status=ok")
        case .alreadyAttended: log("link=rsvp member=\(member) event=\(event) status=attended")
        case .notFound:
            log("link=rsvp member=\(member) event=\(event) status=not_found")
            return notFound()
        case .eventCancelled:
            log("link=rsvp member=\(member) event=\(event) status=cancelled")
            let summary = try await actions.eventSummary(event, memberID: member)
            return cancelledEvent(summary?.title, summary?.startsAt)
        }
        let text = answer == .yes ? "Thank you: you're registered. See you there." : "Thank you for letting us know. We won't send you reminders about it."
        return page(answer == .yes ? "You're coming" : "You can't come", LinkPage.paragraph(text))
    }

    // MARK: Helpers

    private func token(_ c: BasicRequestContext) -> String { c.parameters.get("token") ?? "" }

    private func form(_ r: Request) async throws -> FormBody {
        var request = r
        let buffer = try await request.collectBody(upTo: Self.maxBody)
        return FormBody(contentType: r.headers[.contentType], body: String(buffer: buffer))
    }

    /// The token's content, or a thrown refusal page. A refused view (GET) is logged at debug level, a
    /// refused act (POST) at info: `link=voted status=expired`.
    private func check(_ token: String, _ purpose: LinkPurpose, acting: Bool = false) throws -> LinkToken {
        do { return try signer.verify(token, as: purpose, now: now()) } catch {
            if acting { log("link=\(purpose) status=\(error)") } else { log("link=\(purpose) view status=\(error)", level: .debug) }
            throw Refusal(page: refused(error))
        }
    }

    /// Runs a database act; a failure is logged with ids only and becomes a 503 page.
    private func act<T: Sendable>(_ ids: String, _ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch {
            log("link=\(ids) status=error error=\(type(of: error))", level: .error)
            throw Refusal(page: page("Please try again", LinkPage.paragraph("We couldn't record that just now. Please try again in a few minutes."), status: .serviceUnavailable))
        }
    }

    private func refused(_ e: LinkTokenError) -> LinkPage {
        switch e {
        case .expired:
            return page("This link has expired", LinkPage.paragraph("This link was only for a limited time, and that time has passed."), status: .gone)
        case .wrongPurpose:
            return notFound()
        case .malformed, .forged:
            return page("This link doesn't work", LinkPage.paragraph("It may have been cut short or changed. Please use the link in the email exactly as it came."),
                        status: e == .malformed ? .badRequest : .forbidden)
        }
    }

    private func notFound() -> LinkPage {
        page("This link doesn't work", LinkPage.paragraph("We couldn't find what this link is for."), status: .notFound)
    }

    private func page(_ title: String, _ body: String, status: HTTPResponse.Status = .ok) -> LinkPage {
        LinkPage(status: status, organisation: organisation.name, title: title, body: body)
    }

    private func when(_ date: Date) -> String {
        PeopleTime(timeZone: organisation.timeZone).dateTimeWithYear(date)
    }

    private func log(_ line: String, level: Logger.Level = .info) {
        logger.log(level: level, "\(line)")
    }
}

/// A page to answer with instead of going on; thrown from helpers, turned into the response by the route.
struct Refusal: Error, HTTPResponseError {
    let page: LinkPage
    var status: HTTPResponse.Status { page.status }
    func response(from request: Request, context: some RequestContext) throws -> Response {
        try page.response(from: request, context: context)
    }
}
