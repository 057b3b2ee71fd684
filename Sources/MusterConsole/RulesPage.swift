// The console's rules: each rule's description, audience now, next due, steps, and a sample message.
import Foundation
import MusterCore
import MusterDaemon
import MusterStore

/// Rules: for each rule, its description, how many members its audience holds now, when its next
/// message is due (within the next 7 days), its steps, and each step's text rendered for a sample
/// member (the one `muster check` and `preview` would pick): the text as it is, the HTML part (if the
/// template has one) drawn in a sandboxed frame from `RulePreview`. What `muster check` finds wrong in the
/// rule's templates comes first, with file and line. The sample shows that member's name as the
/// template does: only a signed-in organiser reaches this page. `?rule=ID` opens that rule's samples.
struct RulesPage: ConsolePage {
    let path = "/rules"
    let title = "Rules"

    func body(_ r: ConsolePageRequest) async throws -> String {
        let district = r.district
        let zone = district.config.organisation.timeZone
        let people = PeopleTime(timeZone: zone)
        let forecast = try r.forecast(days: TodayPage.days).forecast
        let queries = ConsoleQueries(district.store)
        let today = LocalTime.day(of: r.now, in: zone).description
        var html = ""
        for rule in district.rules {
            html += "<section aria-labelledby=\"rule-\(ConsoleHTML.escape(rule.id))\">"
            html += "<h2 id=\"rule-\(ConsoleHTML.escape(rule.id))\">\(ConsoleHTML.escape(rule.id))</h2>"
            html += ConsoleHTML.paragraph(rule.description ?? "(no description in \(URL(fileURLWithPath: rule.file).lastPathComponent))")
            html += Self.checked(district.check(rule: rule, now: r.now))
            let audience: String
            do { audience = String(try queries.audienceSize(rule.audience, now: r.now, today: today)) } catch {
                audience = "cannot be counted: \(error)"
            }
            let next = forecast.failedRules[rule.id].map { "cannot be planned: \($0)" }
                ?? forecast.nextDue[rule.id].map { people.dateTimeWithYear(max($0, r.now)) }
                ?? "nothing in the next \(TodayPage.days) days"
            html += "<dl><dt>Topic</dt><dd>\(ConsoleHTML.escape(rule.topic))</dd>"
            html += "<dt>Audience now</dt><dd>\(ConsoleHTML.escape(audience)) members</dd>"
            html += "<dt>Next due</dt><dd>\(ConsoleHTML.escape(next))</dd></dl>"
            html += ConsoleHTML.table(
                caption: "Steps of \(rule.id)", headers: ["Step", "When", "Template"],
                rows: rule.steps.enumerated().map { [String($0.offset + 1), Self.when($0.element), $0.element.template] },
                numeric: [0])
            let open = r.query["rule"] == rule.id ? " open" : ""
            for (i, _) in rule.steps.enumerated() {
                html += "<details\(open)><summary>Sample of step \(i + 1)</summary>"
                do {
                    if let sample = try district.sampleMessage(rule: rule, step: i + 1, now: r.now) {
                        html += ConsoleHTML.paragraph("For member \(sample.memberID). Subject: \(sample.content.subject)")
                        html += Self.textAndHTML(sample.content, rule: rule, step: i + 1)
                    } else {
                        html += ConsoleHTML.paragraph("No member or event fits this rule yet, so there is nothing to show.")
                    }
                } catch {
                    html += "<p class=\"warn\">" + ConsoleHTML.escape("Cannot render: \(error)") + "</p>"
                }
                html += "</details>"
            }
            html += "</section>"
        }
        return html
    }

    /// `muster check`'s verdict on the rule: each error with its file and line, or that there is none.
    static func checked(_ errors: [InputError]) -> String {
        guard !errors.isEmpty else { return ConsoleHTML.paragraph("muster check finds nothing wrong in this rule's templates.") }
        let items = errors.map { "<li>\(ConsoleHTML.escape($0.description))</li>" }.joined()
        return "<div class=\"warn\" role=\"alert\"><p>muster check finds \(errors.count == 1 ? "a problem" : "\(errors.count) problems") "
            + "in this rule's templates. Mend each at the file and line named, run muster check, "
            + "then reload muster (kill -HUP, or restart it) for this page to show the mended rule:</p><ul class=\"errors\">\(items)</ul></div>"
    }

    /// The text beside the HTML part, which is drawn in a sandboxed frame (RulePreview) when there is one.
    static func textAndHTML(_ content: MessageContent, rule: Rule, step: Int) -> String {
        var html = "<div class=\"pair\"><div><h3>Text</h3><pre>\(ConsoleHTML.escape(content.text))</pre></div><div><h3>HTML</h3>"
        if content.html != nil {
            let src = RulePreview.path(rule: rule.id, step: step)
            html += "<iframe class=\"preview\" sandbox src=\"\(ConsoleHTML.escape(src))\" "
                + "title=\"\(ConsoleHTML.escape("The HTML of step \(step) of \(rule.id), as a mail program shows it"))\" referrerpolicy=\"no-referrer\"></iframe>"
                + "<p><a href=\"\(ConsoleHTML.escape(src))\">Open the HTML by itself</a> (still without script or images from the web).</p>"
        } else {
            html += ConsoleHTML.paragraph("This step's template has no HTML part: members get the text only.")
        }
        return html + "</div></div>"
    }

    /// A step's timing in words: "7d after joining", "1d before the event".
    static func when(_ step: Step) -> String {
        var text: String
        switch step.timing {
        case .after(let o): text = "\(o) after the anchor"
        case .before(let o): text = "\(o) before the event"
        case .afterOpen(let o): text = "\(o) after the ballot opens"
        case .every(let o): text = "every \(o) while the ballot is open"
        case .beforeClose(let o): text = "\(o) before the ballot closes"
        case .cron(let c): text = c.words
        case .once(let day): text = "once, on \(PeopleTime.day(day))"
        }
        if let at = step.at { text += ", at \(at)" }
        return text
    }
}
