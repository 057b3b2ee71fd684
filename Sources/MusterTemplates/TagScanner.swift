// Finding the `{{...}}` tags of a template with their lines: swift-mustache keeps its tokens private.
import Foundation

/// One Mustache tag as written.
struct Tag: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case variable, unescaped, section, inverted, close, partial, comment
        /// `{{=<% %>=}}`, `{{%PRAGMA}}`, `{{$block}}`, `{{<parent}}`: refused by the check.
        case unsupported(String)
    }

    var kind: Kind
    /// The name inside, trimmed (`member.first_name`, `footer`, `uppercased(member.name)`).
    var name: String
    /// 1-based line of the tag's opening braces in the scanned text.
    var line: Int
}

/// A syntax problem found while scanning, with its 1-based line.
struct ScanProblem: Sendable, Equatable {
    var line: Int
    var message: String
}

/// Scans text for tags with the standard `{{ }}` delimiters.
enum TagScanner {
    static func scan(_ text: String) -> (tags: [Tag], problems: [ScanProblem]) {
        var tags: [Tag] = []
        var problems: [ScanProblem] = []
        let chars = Array(text.unicodeScalars)
        var i = 0
        var line = 1
        let n = chars.count

        func starts(_ s: String, at j: Int) -> Bool {
            let u = Array(s.unicodeScalars)
            guard j + u.count <= n else { return false }
            for k in 0..<u.count where chars[j + k] != u[k] { return false }
            return true
        }
        func find(_ s: String, from j: Int) -> Int? {
            var k = j
            while k < n {
                if starts(s, at: k) { return k }
                k += 1
            }
            return nil
        }
        func newlines(_ a: Int, _ b: Int) -> Int {
            var c = 0
            for k in a..<b where chars[k] == "\n" { c += 1 }
            return c
        }
        func string(_ a: Int, _ b: Int) -> String {
            var s = String.UnicodeScalarView()
            s.append(contentsOf: chars[a..<b])
            return String(s).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        while i < n {
            if chars[i] == "\n" { line += 1; i += 1; continue }
            guard starts("{{", at: i) else { i += 1; continue }
            let tagLine = line
            if starts("{{{", at: i) {
                guard let end = find("}}}", from: i + 3) else {
                    problems.append(ScanProblem(line: tagLine, message: "'{{{' is never closed with '}}}'"))
                    return (tags, problems)
                }
                tags.append(Tag(kind: .unescaped, name: string(i + 3, end), line: tagLine))
                line += newlines(i, end)
                i = end + 3
                continue
            }
            guard let end = find("}}", from: i + 2) else {
                problems.append(ScanProblem(line: tagLine, message: "'{{' is never closed with '}}'"))
                return (tags, problems)
            }
            let inner = string(i + 2, end)
            line += newlines(i, end)
            i = end + 2
            guard let sigil = inner.first else {
                problems.append(ScanProblem(line: tagLine, message: "empty tag '{{}}'"))
                continue
            }
            let rest = String(inner.dropFirst()).trimmingCharacters(in: .whitespacesAndNewlines)
            let kind: Tag.Kind
            switch sigil {
            case "#": kind = .section
            case "^": kind = .inverted
            case "/": kind = .close
            case ">": kind = .partial
            case "!": kind = .comment
            case "&": kind = .unescaped
            case "=":
                // The rest of the text uses other delimiters: nothing after this can be read.
                tags.append(Tag(kind: .unsupported("="), name: rest, line: tagLine))
                return (tags, problems)
            case "%", "$", "<": kind = .unsupported(String(sigil))
            default:
                tags.append(Tag(kind: .variable, name: inner, line: tagLine))
                continue
            }
            tags.append(Tag(kind: kind, name: rest, line: tagLine))
        }
        return (tags, problems)
    }
}
