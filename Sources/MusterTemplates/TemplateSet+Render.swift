// Rendering one message: subject, text and HTML from a template and a RenderInput.
import Foundation
import MusterCore
import Mustache

extension TemplateSet {
    /// Renders `template` for `input`.
    ///
    /// The subject becomes one line (control characters and runs of white space become one space) and must
    /// not be empty. The text keeps at most one blank line in a row (optional sections leave none behind)
    /// and ends with one newline. Throws an `InputError` naming the file (and line) for a missing or
    /// broken template or an empty subject.
    public func render(template name: String, input: RenderInput) throws -> MessageContent {
        try render(template: name, context: RenderContext.build(input))
    }

    /// As `render(template:input:)`, reusing the parts of the context that many recipients share
    /// (the organisation, an event or ballot as written in one time zone) from `cache`.
    public func render(template name: String, input: RenderInput, cache: RenderCache) throws -> MessageContent {
        try render(template: name, context: RenderContext.build(input, cache: cache))
    }

    func render(template name: String, context: [String: Any]) throws -> MessageContent {
        guard let source = sources[name], let c = compiled[name] else {
            throw InputError(file: displayPath, line: nil, missingMessage(name))
        }
        if let problem = source.problems.first { throw problem }
        if let problem = structureErrors[name]?.first { throw problem }
        if let e = compileErrors[source.file] { throw e }
        if let hf = source.htmlFile, let e = compileErrors[hf] { throw e }
        guard let subjectTemplate = c.subject, let textTemplate = c.text else {
            throw InputError(file: source.file, line: 1, "the template cannot be compiled")
        }
        let subject = Self.oneLine(subjectTemplate.render(context, library: textLibrary))
        guard !subject.isEmpty else {
            throw InputError(file: source.file, line: source.subjectLine, "the subject renders empty")
        }
        let text = Self.tidy(textTemplate.render(context, library: textLibrary))
        let html = c.html.map { $0.render(context, library: htmlLibrary) }
        return MessageContent(subject: subject, text: text, html: html)
    }

    /// One line of text: control characters (CR, LF, tab ...) and runs of white space become one space.
    public static func oneLine(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for u in s.unicodeScalars {
            let skip = u.isASCII ? (u.value <= 0x20 || u.value == 0x7F)
                : (u.properties.generalCategory == .control || u.properties.isWhitespace)
            if skip {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out.append(" "); pendingSpace = false }
            out.append(u)
        }
        return String(out)
    }

    /// Trailing spaces off every line, at most one blank line in a row, no blank lines at either end,
    /// and one final newline.
    static func tidy(_ s: String) -> String {
        // Works on the UTF-8 bytes: the characters it looks at are all ASCII, and a byte of a
        // multi-byte character is never one of them.
        var text = s
        return text.withUTF8 { bytes -> String in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 1)
            var blankPending = false
            var start = 0
            while start <= bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                var last = end
                while last > start, bytes[last - 1] == 0x20 || bytes[last - 1] == 0x09 || bytes[last - 1] == 0x0D { last -= 1 }
                if last == start {
                    blankPending = !out.isEmpty
                } else {
                    if !out.isEmpty { out.append(0x0A) }
                    if blankPending { out.append(0x0A); blankPending = false }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<last]))
                }
                start = end + 1
            }
            out.append(0x0A)
            return String(decoding: out, as: UTF8.self)
        }
    }
}
