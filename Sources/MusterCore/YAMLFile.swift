// Reading YAML files with every error tied to a file and line: the base of muster.yaml and schedules.
import Foundation
import Yams

/// An error in an input file, naming where and what would be right:
/// `schedules/welcome.yaml:7: step 2: 'after' must look like '7d' or '36h' (got "7 days")`.
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var message: String

    public init(file: String, line: Int?, _ message: String) {
        self.file = file; self.line = line; self.message = message
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}

/// Several input errors at once, so that one run can show every mistake in a file.
public struct InputErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [InputError]
    public init(_ errors: [InputError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// A YAML node with the file it came from, for errors that name file and line.
public struct YAMLValue: @unchecked Sendable {
    public let node: Node
    public let file: String

    public var line: Int? { node.mark?.line }

    /// Parses `text` (the contents of `file`); a syntax error names the line.
    public static func parse(_ text: String, file: String) throws -> YAMLValue {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw InputError(file: file, line: 1, "the file is empty")
            }
            return YAMLValue(node: node, file: file)
        } catch let YamlError.duplicatedKeysInMapping(duplicates, context) {
            // Yams names the first of the keys; point at the repeat, where the mistake usually is.
            let key = duplicates.first ?? ""
            let again = repeatLine(of: key, in: text, after: context.mark)
            throw InputError(file: file, line: again ?? context.mark.line,
                             "the key '\(key)' appears twice in the same mapping; keep one")
        } catch let e as YamlError {
            throw InputError(file: file, line: YAMLValue.line(of: e), "not valid YAML: \(YAMLValue.problem(of: e))")
        }
    }

    /// The line of the next key `key` in the block mapping whose first key is at `mark`, or nil.
    static func repeatLine(of key: String, in text: String, after mark: Mark) -> Int? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let indent = mark.column - 1
        guard mark.line >= 1, mark.line <= lines.count else { return nil }
        let spellings = [key, "\"\(key)\"", "'\(key)'"]
        for number in stride(from: mark.line + 1, through: lines.count, by: 1) {
            let line = Array(lines[number - 1])
            let lead = line.prefix { $0 == " " }.count
            if lead == line.count || line[lead] == "#" { continue }  // blank or a comment
            if lead < indent { return nil }  // the mapping has ended
            guard lead == indent else { continue }
            let rest = String(line[lead...])
            for k in spellings where rest.hasPrefix(k) {
                if rest.dropFirst(k.count).drop(while: { $0 == " " }).first == ":" { return number }
            }
        }
        return nil
    }

    /// Reads and parses the file at `path`, naming it as `display` in errors.
    public static func load(path: String, display: String? = nil) throws -> YAMLValue {
        let name = display ?? path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: name, line: nil, "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError(file: name, line: nil, "the file is not UTF-8 text")
        }
        return try parse(text, file: name)
    }

    private static func line(of e: YamlError) -> Int? {
        switch e {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _):
            return mark.line
        default: return nil
        }
    }

    private static func problem(of e: YamlError) -> String {
        switch e {
        case let .scanner(_, problem, _, _), let .parser(_, problem, _, _), let .composer(_, problem, _, _):
            return problem
        default: return "\(e)"
        }
    }

    public func error(_ message: String) -> InputError {
        InputError(file: file, line: line, message)
    }

    /// The scalar's text, or nil for a mapping or sequence.
    public var scalarText: String? {
        if case let .scalar(s) = node { return s.string }
        return nil
    }

    public var isNull: Bool {
        if case let .scalar(s) = node { return s.string == "~" || s.string == "null" || (s.string.isEmpty && s.style == .plain) }
        return false
    }

    /// The entries of a mapping in file order, or an error naming what was expected.
    public func mapping(_ what: String) throws -> YAMLMapping {
        guard case let .mapping(m) = node else {
            throw error("\(what) must be a mapping of keys to values")
        }
        var entries: [(key: String, keyLine: Int?, value: YAMLValue)] = []
        for (k, v) in m {
            entries.append((k.string ?? "", k.mark?.line, YAMLValue(node: v, file: file)))
        }
        return YAMLMapping(entries: entries, file: file, line: line, what: what)
    }

    /// The items of a sequence, or an error naming what was expected.
    public func sequence(_ what: String) throws -> [YAMLValue] {
        guard case let .sequence(s) = node else {
            throw error("\(what) must be a list")
        }
        return s.map { YAMLValue(node: $0, file: file) }
    }

    /// A string scalar; numbers and booleans are taken as their text.
    public func string(_ what: String) throws -> String {
        guard let s = scalarText else { throw error("\(what) must be a single value, not a list or mapping") }
        return s
    }

    /// A value or a list of values, as audience filters take them.
    public func strings(_ what: String) throws -> [String] {
        if case .sequence = node { return try sequence(what).map { try $0.string(what) } }
        return [try string(what)]
    }

    public func bool(_ what: String) throws -> Bool {
        switch scalarText?.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("\(what) must be true or false (got \(quoted))")
        }
    }

    public func int(_ what: String) throws -> Int {
        guard let t = scalarText, let n = Int(t) else { throw error("\(what) must be a whole number (got \(quoted))") }
        return n
    }

    /// The value as it stands in the file, quoted, for error messages.
    public var quoted: String {
        if let s = scalarText { return "\"\(s)\"" }
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        default: return "a value"
        }
    }
}

/// A YAML mapping whose keys are checked: unknown keys are errors, and each lookup is remembered.
public struct YAMLMapping: @unchecked Sendable {
    public let entries: [(key: String, keyLine: Int?, value: YAMLValue)]
    public let file: String
    public let line: Int?
    public let what: String

    public subscript(_ key: String) -> YAMLValue? {
        entries.first(where: { $0.key == key })?.value
    }

    public var keys: [String] { entries.map(\.key) }

    /// Throws on the first key not in `allowed`, naming its line and the keys that are allowed.
    public func checkKeys(_ allowed: [String]) throws {
        for e in entries where !allowed.contains(e.key) {
            throw InputError(
                file: file, line: e.keyLine,
                "\(what): unknown key '\(e.key)' (expected one of: \(allowed.joined(separator: ", ")))")
        }
    }

    /// A key that must be present.
    public func required(_ key: String) throws -> YAMLValue {
        guard let v = self[key] else {
            throw InputError(file: file, line: line, "\(what): '\(key)' is required")
        }
        return v
    }
}
