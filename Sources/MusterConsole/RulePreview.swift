// A rule step's HTML part rendered for the sample member, answered apart from the console's pages so
// that it can be shown in a sandbox.
import Foundation
import MusterCore
import MusterDaemon

/// `/rules/preview?rule=welcome&step=1`: the HTML of that step as the sample member (the one the Rules
/// page shows the text for) would get it, for the Rules page's `<iframe sandbox>`.
///
/// Two locks, either enough alone: the response's CSP starts with `sandbox` (no script, no forms, no
/// top navigation, an opaque origin without the console's cookie, even when the address is opened by
/// itself), and the frame carries the `sandbox` attribute. The policy lets the message's own inline
/// styles work, as a mail program would show them, and loads nothing from anywhere: images from the
/// web, fonts and frames are refused (a mail program asks before loading remote images too); only the
/// console may frame it. The sample carries no link tokens (ExampleRows gives none), so a click
/// inside changes nothing, and the console's own `frame-src 'self'` keeps the frame from leaving it.
struct RulePreview: ConsoleFile {
    let path = "/rules/preview"

    static let contentSecurityPolicy = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        + "form-action 'none'; base-uri 'none'; frame-ancestors 'self'"

    static func path(rule: String, step: Int) -> String {
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        return "/rules/preview?rule=\(rule.addingPercentEncoding(withAllowedCharacters: allowed) ?? rule)&step=\(step)"
    }

    func answer(_ r: ConsolePageRequest) async throws -> ConsoleFileAnswer {
        guard let id = r.query["rule"], let rule = r.district.rules.first(where: { $0.id == id }) else {
            return .text(.notFound, "There is no such rule. The Rules page links each step's preview.\n")
        }
        guard let text = r.query["step"], let step = Int(text), (1...rule.steps.count).contains(step) else {
            return .text(.notFound, "Rule \(rule.id) has steps 1 to \(rule.steps.count); please pass one of them as step.\n")
        }
        let sample: (memberID: Int64, content: MessageContent)?
        do { sample = try r.district.sampleMessage(rule: rule, step: step, now: r.now) } catch {
            return .text(.unprocessableContent, "Cannot render step \(step) of \(rule.id): \(error)\n")
        }
        guard let sample else { return .text(.notFound, "No member or event fits rule \(rule.id) yet, so there is nothing to show.\n") }
        guard let html = sample.content.html else {
            return .text(.notFound, "Step \(step) of \(rule.id) has no HTML part: members get the text only.\n")
        }
        var answer = ConsoleFileAnswer(contentType: "text/html; charset=utf-8", body: html)
        answer.contentSecurityPolicy = Self.contentSecurityPolicy
        return answer
    }
}
