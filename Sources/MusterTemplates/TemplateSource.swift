// One template as read from disk: the subject from its front matter, the text body, the optional HTML.
import Foundation
import MusterCore

/// A template's parts with the file lines they start on, so that every error can name its line.
struct TemplateSource: Sendable {
    var name: String
    /// Display path of the text file, e.g. `templates/welcome-1.mustache`.
    var file: String
    /// The subject template; nil when the front matter is missing or wrong (see `problems`).
    var subject: String?
    var subjectLine: Int
    var body: String
    /// The file line the body starts on.
    var bodyLine: Int
    var htmlFile: String?
    var html: String?
    /// Front matter problems.
    var problems: [InputError]

    /// Splits `text` (the contents of `file`) into front matter and body.
    ///
    /// ```
    /// ---
    /// subject: "Welcome, {{member.first_name}}"
    /// ---
    /// Hello {{member.first_name}}, ...
    /// ```
    init(name: String, file: String, text raw: String) {
        self.name = name
        self.file = file
        self.subject = nil
        self.subjectLine = 1
        self.problems = []
        self.html = nil
        self.htmlFile = nil
        let text = raw.replacingOccurrences(of: "\r\n", with: "\n")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let usage = "put the subject in front matter at the top: '---', 'subject: \"...\"', '---'"
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---" else {
            problems.append(InputError(file: file, line: 1, "the file must begin with front matter: \(usage)"))
            body = text
            bodyLine = 1
            return
        }
        guard let close = lines.indices.dropFirst().first(where: { lines[$0].trimmingCharacters(in: .whitespaces) == "---" }) else {
            problems.append(InputError(file: file, line: 1, "the front matter opened here is never closed with '---'"))
            body = ""
            bodyLine = lines.count + 1
            return
        }
        body = lines[(close + 1)...].joined(separator: "\n")
        bodyLine = close + 2
        let yaml = lines[1..<close].joined(separator: "\n")
        guard !yaml.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            problems.append(InputError(file: file, line: 1, "the front matter must hold the subject: 'subject: \"...\"'"))
            return
        }
        do {
            let map = try YAMLValue.parse(yaml, file: file).mapping("the front matter")
            try map.checkKeys(["subject"])
            let value = try map.required("subject")
            subject = try value.string("'subject'")
            subjectLine = (value.line ?? 1) + 1
        } catch let e as InputError {
            problems.append(InputError(file: file, line: (e.line ?? 0) + 1, e.message))
        } catch {
            problems.append(InputError(file: file, line: 2, "the front matter cannot be read: \(error)"))
        }
    }
}

/// A shared piece, `templates/partials/NAME.mustache` (text) or `NAME.html.mustache` (HTML).
struct PartialSource: Sendable {
    var name: String
    var file: String
    var text: String
}
