// Walking a template's tags with the scopes Mustache would have, and naming every tag that cannot work.
import Foundation
import MusterCore

/// Holds one template's tags to the declared context (ContextSchema), following sections and partials.
struct TagChecker {
    let set: TemplateSet
    let kind: ContextKind
    let root: [String: Field]
    private(set) var errors: [InputError] = []
    /// Files whose syntax the scan already found wrong (swift-mustache's error would repeat it).
    private(set) var syntaxProblemFiles: Set<String> = []
    /// Partials reached, by display file.
    private(set) var partialFiles: Set<String> = []

    /// What names mean inside a section.
    enum Scope {
        /// A group of values (the root, `{{#event}}`, an item of `{{#digest.upcoming_events}}`).
        case object([String: Field], list: Bool)
        /// A plain value (`{{#links.unsubscribe}}`): only `{{.}}` refers to it.
        case value
    }

    static let transforms: Set<String> = [
        "capitalized", "lowercased", "uppercased", "reversed", "first", "last", "count", "empty", "sorted",
        "enumerated", "equalzero", "plusone", "minusone", "even", "odd", "index",
    ]

    init(set: TemplateSet, kind: ContextKind) {
        self.set = set
        self.kind = kind
        self.root = ContextSchema.root(kind)
    }

    mutating func check(_ text: String, file: String, firstLine: Int, html: Bool) {
        check(text, file: file, firstLine: firstLine, html: html, scopes: [.object(root, list: false)], visiting: [])
    }

    private mutating func check(
        _ text: String, file: String, firstLine: Int, html: Bool, scopes outer: [Scope], visiting: Set<String>
    ) {
        let (tags, problems) = TagScanner.scan(text)
        func at(_ l: Int) -> Int { l + firstLine - 1 }
        for p in problems {
            errors.append(InputError(file: file, line: at(p.line), p.message))
            syntaxProblemFiles.insert(file)
        }
        var scopes = outer
        var open: [(name: String, line: Int)] = []
        for tag in tags {
            let line = at(tag.line)
            func fail(_ message: String) { errors.append(InputError(file: file, line: line, message)) }
            switch tag.kind {
            case .comment:
                continue
            case .variable, .unescaped:
                switch resolve(tag.name, scopes) {
                case let .failure(f): fail(f.message)
                case .success(.object) where tag.name == ".":
                    fail("'.' is a group of values here, not a value: use one of its fields, e.g. '\(example(tag.name, scopes))'")
                case .success(.object):
                    fail("'\(tag.name)' is a group of values, not a value: use one of them, e.g. '\(tag.name).\(example(tag.name, scopes))'")
                case .success(.list):
                    fail("'\(tag.name)' is a list: go through it with {{#\(tag.name)}}...{{/\(tag.name)}}")
                case .success(.value): break
                }
            case .section, .inverted:
                // Deeper than swift-mustache may be given: `TemplateStructure` names the line; walking
                // on would cost time in proportion to the depth at every tag.
                guard open.count < TemplateStructure.maxDepth else { return }
                open.append((tag.name, line))
                let resolved = resolve(tag.name, scopes)
                if case let .failure(f) = resolved { fail(f.message) }
                guard tag.kind == .section else {
                    scopes.append(scopes.last!)  // an inverted section renders in the same context
                    continue
                }
                switch resolved {
                case let .success(.object(fields)): scopes.append(.object(fields, list: false))
                case let .success(.list(fields)): scopes.append(.object(fields, list: true))
                default: scopes.append(.value)
                }
            case .close:
                guard let top = open.last else {
                    fail("'{{/\(tag.name)}}' closes a section that was never opened")
                    syntaxProblemFiles.insert(file)
                    continue
                }
                if top.name != tag.name {
                    fail("'{{/\(tag.name)}}' closes section '\(top.name)' opened on line \(top.line) (write '{{/\(top.name)}}')")
                    syntaxProblemFiles.insert(file)
                }
                open.removeLast()
                scopes.removeLast()
            case .partial:
                let partials = html ? set.htmlPartials : set.textPartials
                guard let p = partials[tag.name] else {
                    fail("partial '\(tag.name)' not found")
                    continue
                }
                partialFiles.insert(p.file)
                // A partial on a cycle or nested too deep is reported by `TemplateStructure`, not walked.
                guard !visiting.contains(p.file), !(html ? set.brokenHTMLPartials : set.brokenTextPartials).contains(tag.name)
                else { continue }
                check(p.text, file: p.file, firstLine: 1, html: html, scopes: scopes, visiting: visiting.union([p.file]))
            case let .unsupported(sigil):
                syntaxProblemFiles.insert(file)
                switch sigil {
                case "=": fail("changing delimiters ('{{=...=}}') is not supported: keep '{{' and '}}'")
                case "%": fail("pragmas ('{{%...}}') are not supported: muster escapes HTML in .html.mustache files and nothing in text")
                default: fail("template inheritance ('{{$...}}', '{{<...}}') is not supported: use partials ('{{> name}}')")
                }
            }
        }
        for o in open.reversed() {
            errors.append(InputError(file: file, line: o.line, "section '\(o.name)' is never closed (add '{{/\(o.name)}}')"))
            syntaxProblemFiles.insert(file)
        }
    }

    /// What a tag's name refers to, following Mustache's lookup: the first part is searched from the
    /// innermost section outwards; the rest is looked up inside what was found.
    func resolve(_ name: String, _ scopes: [Scope]) -> Result<Field, Failure> {
        // A transform, `uppercased(member.first_name)`, or a sequence helper, `first()`; nested ones are
        // peeled in a loop, not by recursion, so a hostile `a(a(a(...)))` costs no stack.
        guard name.utf8.reduce(0, { $1 == UInt8(ascii: "(") ? $0 + 1 : $0 }) <= TemplateStructure.maxFunctionDepth else {
            return .failure(Failure("a tag nests functions more than \(TemplateStructure.maxFunctionDepth) deep"))
        }
        var peeled = name
        var transformed = false
        while peeled.hasSuffix(")"), let open = peeled.firstIndex(of: "(") {
            let fn = String(peeled[..<open]).trimmingCharacters(in: .whitespaces)
            let inner = String(peeled[peeled.index(after: open)..<peeled.index(before: peeled.endIndex)]).trimmingCharacters(in: .whitespaces)
            guard Self.transforms.contains(fn) else { return .failure(Failure("unknown function '\(fn)' in '\(peeled)'")) }
            if inner.isEmpty {
                guard scopes.contains(where: { if case .object(_, true) = $0 { return true } else { return false } }) else {
                    return .failure(Failure("'\(peeled)' only works inside a section over a list"))
                }
                return .success(.value)
            }
            peeled = inner
            transformed = true
        }
        if transformed {
            if case let .failure(f) = resolve(peeled, scopes) { return .failure(f) }
            return .success(.value)
        }
        if name == "." {
            guard scopes.count > 1 else { return .failure(Failure("'.' means the current item: use it inside a section")) }
            switch scopes.last! {
            case .value: return .success(.value)
            case let .object(fields, _): return .success(.object(fields))
            }
        }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !parts.contains(where: { $0.isEmpty }) || name.hasPrefix(".") else { return unknown(name) }
        if name.hasPrefix(".") {
            guard case let .object(fields, _) = scopes.last!, let f = ContextSchema.resolve(Array(parts.dropFirst()), in: fields) else {
                return unknown(name)
            }
            return .success(f)
        }
        for scope in scopes.reversed() {
            guard case let .object(fields, _) = scope, fields[parts[0]] != nil else { continue }
            guard let f = ContextSchema.resolve(parts, in: fields) else { return unknown(name) }
            return .success(f)
        }
        return unknown(name)
    }

    /// `unknown variable 'x'`, or where the variable can be used when another kind of rule has it.
    func unknown(_ name: String) -> Result<Field, Failure> {
        let path = name.split(separator: ".").map(String.init)
        let others = ContextSchema.kindsDeclaring(path)
        if !others.isEmpty {
            let list = others.map(\.rawValue).joined(separator: " and ")
            return .failure(Failure("'\(name)' is only available in \(list) rules (this template is sent by a \(kind.rawValue) rule)"))
        }
        return .failure(Failure("unknown variable '\(name)'"))
    }

    /// A field of a group, for the hint in an error.
    func example(_ name: String, _ scopes: [Scope]) -> String {
        if case let .success(.object(fields)) = resolve(name, scopes) {
            return fields.keys.contains("name") ? "name" : fields.keys.contains("title") ? "title" : fields.keys.sorted().first ?? "name"
        }
        return "name"
    }

    struct Failure: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }
}
