// The templates directory, loaded and compiled once, and rendering a message from it.
import Foundation
import MusterCore
import Mustache

/// All templates of a `templates/` directory, compiled once and shared by every render.
///
/// Layout:
/// - `NAME.mustache`: front matter with the subject, then the plain-text body.
/// - `NAME.html.mustache`: the optional HTML alternative (no front matter).
/// - `partials/P.mustache` is `{{> P}}` inside text templates and subjects;
///   `partials/P.html.mustache` is `{{> P}}` inside HTML templates. Each kind only sees its own partials.
///
/// Text (subject, body, text partials) is rendered with no escaping; HTML with HTML escaping. swift-mustache
/// switches a partial back to HTML escaping, so every text part is compiled with a `CONTENT_TYPE: TEXT`
/// pragma line of its own (a standalone tag, so it adds nothing to the output).
public struct TemplateSet: Sendable {
    /// The directory as errors name it, e.g. `templates`.
    public let displayPath: String
    /// Template names (text files at the top of the directory, without `.mustache`), sorted.
    public let names: [String]

    let sources: [String: TemplateSource]
    let textPartials: [String: PartialSource]
    let htmlPartials: [String: PartialSource]
    let compiled: [String: Compiled]
    /// Syntax errors from swift-mustache, by display file.
    let compileErrors: [String: InputError]
    /// Per template name: why it may not be rendered at all (a partial cycle or nesting too deep,
    /// see `TemplateStructure`); absent when it is sound.
    let structureErrors: [String: [InputError]]
    /// Partials (text, then HTML) on a cycle or nested too deep: never registered, never checked inside.
    let brokenTextPartials: Set<String>
    let brokenHTMLPartials: Set<String>
    let textLibrary: MustacheLibrary
    let htmlLibrary: MustacheLibrary

    struct Compiled: Sendable {
        var subject: MustacheTemplate?
        var text: MustacheTemplate?
        var html: MustacheTemplate?
    }

    static let textPragma = "{{%CONTENT_TYPE: TEXT}}\n"

    /// Reads every template under `directory`; `displayPath` names it in errors (default: `directory`).
    /// Throws only when the directory cannot be read; problems in single files are reported by `check`
    /// and by `render` of that template.
    public init(directory given: String, displayPath: String? = nil) throws {
        // A templates folder may be a symbolic link (e.g. to a shared checkout): walk what it points to.
        let directory = URL(fileURLWithPath: given).resolvingSymlinksInPath().path
        let fm = FileManager.default
        var isDir: ObjCBool = false
        let shown = displayPath ?? given
        guard fm.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw InputError(file: shown, line: nil, "the templates directory does not exist (set 'templates:' in muster.yaml)")
        }
        guard let walker = fm.enumerator(atPath: directory) else {
            throw InputError(file: shown, line: nil, "cannot read the templates directory")
        }
        var files: [String: String] = [:]
        while let rel = walker.nextObject() as? String {
            guard rel.hasSuffix(".mustache") else { continue }
            let full = (directory as NSString).appendingPathComponent(rel)
            guard let data = fm.contents(atPath: full) else { continue }
            files[rel] = String(decoding: data, as: UTF8.self)
        }
        self.init(files: files, displayPath: shown)
    }

    /// Builds a set from file contents keyed by their path inside the directory
    /// (`welcome-1.mustache`, `partials/footer.html.mustache`).
    public init(files: [String: String], displayPath: String = "templates") {
        self.displayPath = displayPath
        func shown(_ rel: String) -> String { displayPath.isEmpty ? rel : "\(displayPath)/\(rel)" }

        var sources: [String: TemplateSource] = [:]
        var htmlFiles: [String: (file: String, text: String)] = [:]
        var textPartials: [String: PartialSource] = [:]
        var htmlPartials: [String: PartialSource] = [:]
        for (rel, text) in files {
            let text = text.replacingOccurrences(of: "\r\n", with: "\n")
            if rel.hasPrefix("partials/") {
                let inner = String(rel.dropFirst("partials/".count))
                if inner.hasSuffix(".html.mustache") {
                    let name = String(inner.dropLast(".html.mustache".count))
                    htmlPartials[name] = PartialSource(name: name, file: shown(rel), text: text)
                } else if inner.hasSuffix(".mustache") {
                    let name = String(inner.dropLast(".mustache".count))
                    textPartials[name] = PartialSource(name: name, file: shown(rel), text: text)
                }
            } else if !rel.contains("/") {
                if rel.hasSuffix(".html.mustache") {
                    htmlFiles[String(rel.dropLast(".html.mustache".count))] = (shown(rel), text)
                } else if rel.hasSuffix(".mustache") {
                    let name = String(rel.dropLast(".mustache".count))
                    sources[name] = TemplateSource(name: name, file: shown(rel), text: text)
                }
            }
        }
        for (name, h) in htmlFiles {
            sources[name]?.html = h.text
            sources[name]?.htmlFile = h.file
        }

        // Cycles and depth first: swift-mustache must never see a part it would recurse on without end.
        let textStructure = TemplateStructure(partials: textPartials.mapValues { TemplateStructure.Part($0.text, file: $0.file, firstLine: 1) })
        let htmlStructure = TemplateStructure(partials: htmlPartials.mapValues { TemplateStructure.Part($0.text, file: $0.file, firstLine: 1) })

        var errors: [String: InputError] = [:]
        var textLibrary = MustacheLibrary()
        var htmlLibrary = MustacheLibrary()
        for p in textPartials.values where textStructure.brokenPartials[p.name] == nil {
            if let t = Self.compile(p.text, file: p.file, firstLine: 1, text: true, errors: &errors) {
                textLibrary.register(t, named: p.name)
            }
        }
        for p in htmlPartials.values where htmlStructure.brokenPartials[p.name] == nil {
            if let t = Self.compile(p.text, file: p.file, firstLine: 1, text: false, errors: &errors) {
                htmlLibrary.register(t, named: p.name)
            }
        }
        var compiled: [String: Compiled] = [:]
        var structureErrors: [String: [InputError]] = [:]
        for s in sources.values {
            var c = Compiled()
            var problems: [InputError] = []
            /// Compiles one part unless its structure forbids it.
            func part(_ text: String, file: String, firstLine: Int, html: Bool) -> MustacheTemplate? {
                let shape = TemplateStructure.Part(text, file: file, firstLine: firstLine)
                problems += (html ? htmlStructure : textStructure).problems(of: shape)
                if shape.unsafe != nil { return nil }
                return Self.compile(text, file: file, firstLine: firstLine, text: !html, errors: &errors)
            }
            if let subject = s.subject {
                c.subject = part(subject, file: s.file, firstLine: s.subjectLine, html: false)
            }
            c.text = part(s.body, file: s.file, firstLine: s.bodyLine, html: false)
            if let html = s.html, let hf = s.htmlFile {
                c.html = part(html, file: hf, firstLine: 1, html: true)
            }
            compiled[s.name] = c
            if !problems.isEmpty { structureErrors[s.name] = Self.unique(problems) }
        }
        self.sources = sources
        self.names = sources.keys.sorted()
        self.textPartials = textPartials
        self.htmlPartials = htmlPartials
        self.compiled = compiled
        self.compileErrors = errors
        self.structureErrors = structureErrors
        self.brokenTextPartials = Set(textStructure.brokenPartials.keys)
        self.brokenHTMLPartials = Set(htmlStructure.brokenPartials.keys)
        self.textLibrary = textLibrary
        self.htmlLibrary = htmlLibrary
    }

    /// Compiles one part; a syntax error is kept (the first one per file) with its line in the file.
    static func compile(
        _ source: String, file: String, firstLine: Int, text: Bool, errors: inout [String: InputError]
    ) -> MustacheTemplate? {
        do {
            return try MustacheTemplate(string: text ? textPragma + source : source)
        } catch let e as MustacheTemplate.ParserError {
            let line = e.context.lineNumber - (text ? 1 : 0) + firstLine - 1
            if errors[file] == nil {
                errors[file] = InputError(file: file, line: max(firstLine, line), "Mustache syntax error: \(describe(e.error))")
            }
        } catch {
            if errors[file] == nil {
                errors[file] = InputError(file: file, line: firstLine, "Mustache syntax error: \(error)")
            }
        }
        return nil
    }

    static func describe(_ error: Error) -> String {
        switch error as? MustacheTemplate.Error {
        case .sectionCloseNameIncorrect?: return "a section is closed with a different name than it was opened with"
        case .unfinishedName?: return "a tag is not finished (expected '}}')"
        case .expectedSectionEnd?: return "a section is never closed"
        case .invalidSetDelimiter?: return "badly formed delimiter change"
        case .invalidConfigVariableSyntax?, .unrecognisedConfigVariable?: return "unknown pragma"
        case .transformAppliedToInheritanceSection?, .illegalTokenInsideInheritSection?, .textInsideInheritSection?:
            return "template inheritance is not supported: use partials ('{{> name}}')"
        case nil: return "\(error)"
        }
    }

    /// The path a template's text file would have: `templates/welcome-9.mustache`.
    public func file(of name: String) -> String {
        displayPath.isEmpty ? "\(name).mustache" : "\(displayPath)/\(name).mustache"
    }

    /// `template 'welcome-9' not found (looked for templates/welcome-9.mustache)`
    func missingMessage(_ name: String) -> String {
        "template '\(name)' not found (looked for \(file(of: name)))"
    }

    public func contains(_ name: String) -> Bool { sources[name] != nil }

    /// Whether the template has an HTML alternative.
    public func hasHTML(_ name: String) -> Bool { sources[name]?.html != nil }
}
