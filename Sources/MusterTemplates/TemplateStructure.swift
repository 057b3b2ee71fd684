// Partial cycles and nesting depth, found by our own scan before swift-mustache is given a template:
// its parser and renderer recurse without a limit, and a cycle or a few thousand levels crash the process.
import Foundation
import MusterCore

/// The shape of a template set: which partials include which, and how deep sections and partials nest.
///
/// swift-mustache 2.1.1 parses nested sections and renders partials by recursion, with no bound: a
/// partial that includes itself (directly, or `a -> b -> a`), or about 5,000 nested sections, overflows
/// the stack and kills the process. So every part (subject, text body, HTML body, partial) is scanned
/// with `TagScanner` first, without recursion of our own:
///
/// - a partial on a cycle is an error at the tag that closes it:
///   `templates/partials/a.mustache:1: partial 'a' includes itself (a -> b -> a)`;
/// - sections nested deeper than `maxDepth` in one file are an error at the first tag too deep:
///   `templates/x.mustache:104: sections nest more than 100 deep`; so are functions nested more than
///   `maxFunctionDepth` in one tag (swift-mustache parses them by recursion too), and a delimiter
///   change (the strict check refuses it; after it our scan could not see what swift-mustache would);
/// - nesting that only grows too deep through partials (each partial counts as a level) is an error at
///   the partial tag that leads there: `... partial 'p' nests sections and partials more than 100 deep`.
///
/// A part that is unsafe itself is never compiled; a partial on a cycle or too deep is never
/// registered; a template that reaches either is refused by `render` and `check` with these errors.
struct TemplateStructure {
    /// The deepest nesting of sections and partials a template may reach.
    static let maxDepth = 100

    /// The deepest nesting of functions in one tag (`uppercased(lowercased(x))` is 2).
    static let maxFunctionDepth = 10

    /// One file's part as scanned: the partials it names (with the section depth at the tag) and its depth.
    struct Part {
        var file: String
        var refs: [(name: String, line: Int, depth: Int)] = []
        /// The deepest section nesting inside the part.
        var depth = 0
        /// Why the part itself must never reach swift-mustache's parser, at the first tag that says so:
        /// sections or functions nested too deep, or a delimiter change (after which our scan cannot follow).
        var unsafe: InputError?

        /// Scans `text` (which starts on `firstLine` of `file`).
        init(_ text: String, file: String, firstLine: Int) {
            self.file = file
            var open = 0
            for tag in TagScanner.scan(text).tags {
                let line = tag.line + firstLine - 1
                func refuse(_ message: String) {
                    if unsafe == nil { unsafe = InputError(file: file, line: line, message) }
                }
                if tag.name.reduce(0, { $1 == "(" ? $0 + 1 : $0 }) > TemplateStructure.maxFunctionDepth {
                    refuse("a tag nests functions more than \(TemplateStructure.maxFunctionDepth) deep")
                }
                switch tag.kind {
                case .section, .inverted, .unsupported("$"), .unsupported("<"):
                    open += 1
                    depth = max(depth, open)
                    if open > TemplateStructure.maxDepth { refuse("sections nest more than \(TemplateStructure.maxDepth) deep") }
                case .close:
                    open = max(0, open - 1)
                case .partial:
                    refs.append((tag.name, line, open))
                case .unsupported("="):
                    // The same words as the strict check's, so that the two errors are one.
                    refuse("changing delimiters ('{{=...=}}') is not supported: keep '{{' and '}}'")
                default:
                    break
                }
            }
        }
    }

    /// Errors by partial name (a cycle through it, or too deep), for one kind (text or HTML) of partial.
    private(set) var brokenPartials: [String: InputError] = [:]
    /// Full depth of each sound partial: its sections and, through its partials, theirs (a partial is a level).
    private(set) var partialDepth: [String: Int] = [:]

    /// The partials each partial names.
    private var includes: [String: [String]] = [:]

    /// Analyses the partials of one kind, `parts` keyed by partial name.
    init(partials parts: [String: Part]) {
        includes = parts.mapValues { $0.refs.map(\.name) }
        findCycles(parts)
        // Depths in an order where every partial comes after those it includes (the rest are on a cycle).
        for name in Self.postOrder(parts) where brokenPartials[name] == nil {
            let part = parts[name]!
            if let e = part.unsafe {
                brokenPartials[name] = e
                continue
            }
            var deepest = part.depth
            for ref in part.refs {
                guard parts[ref.name] != nil else { continue }  // a missing partial renders empty
                if let e = brokenPartials[ref.name] {
                    if brokenPartials[name] == nil { brokenPartials[name] = e }
                    continue
                }
                deepest = max(deepest, ref.depth + 1 + (partialDepth[ref.name] ?? 0))
                if deepest > Self.maxDepth, brokenPartials[name] == nil {
                    brokenPartials[name] = InputError(
                        file: part.file, line: ref.line,
                        "partial '\(ref.name)' nests sections and partials more than \(Self.maxDepth) deep")
                }
            }
            partialDepth[name] = deepest
        }
    }

    /// What keeps a template's part from being rendered: too deep itself, too deep with its partials,
    /// or a broken partial it reaches (then the errors of every broken partial reached from there, so
    /// that each file of a cycle is named). Empty when it is sound.
    func problems(of part: Part) -> [InputError] {
        if let e = part.unsafe { return [e] }
        var out: [InputError] = []
        var seen: Set<String> = []
        for ref in part.refs {
            if brokenPartials[ref.name] != nil {
                // Every broken partial reachable from this one, breadth first.
                var queue = [ref.name]
                var i = 0
                while i < queue.count {
                    let name = queue[i]
                    i += 1
                    guard seen.insert(name).inserted, let e = brokenPartials[name] else { continue }
                    if !out.contains(e) { out.append(e) }
                    queue += includes[name] ?? []
                }
                continue
            }
            guard let d = partialDepth[ref.name] else { continue }
            if ref.depth + 1 + d > Self.maxDepth {
                out.append(InputError(file: part.file, line: ref.line,
                                      "partial '\(ref.name)' nests sections and partials more than \(Self.maxDepth) deep"))
            }
        }
        return out
    }

    /// Marks every partial on a cycle, with the cycle named from it: `partial 'a' includes itself (a -> b -> a)`,
    /// at the line of its tag that starts the way round. An iterative depth-first search.
    private mutating func findCycles(_ parts: [String: Part]) {
        enum Mark { case active, done }
        var mark: [String: Mark] = [:]
        for root in parts.keys.sorted() where mark[root] == nil {
            // The path from root: each partial with the index of its next reference to follow.
            var path: [(name: String, next: Int)] = [(root, 0)]
            mark[root] = .active
            while let top = path.last {
                let refs = parts[top.name]!.refs
                guard top.next < refs.count else {
                    mark[top.name] = .done
                    path.removeLast()
                    continue
                }
                path[path.count - 1].next += 1
                let target = refs[top.next].name
                guard parts[target] != nil else { continue }
                switch mark[target] {
                case nil:
                    mark[target] = .active
                    path.append((target, 0))
                case .active?:
                    let start = path.firstIndex { $0.name == target }!
                    let cycle = path[start...].map(\.name)
                    for (i, name) in cycle.enumerated() where brokenPartials[name] == nil {
                        let around = (cycle[i...] + cycle[..<i] + [name]).joined(separator: " -> ")
                        // The tag in `name` that leads on round the cycle.
                        let nextName = cycle[(i + 1) % cycle.count]
                        let line = parts[name]!.refs.first { $0.name == nextName }?.line
                        brokenPartials[name] = InputError(
                            file: parts[name]!.file, line: line, "partial '\(name)' includes itself (\(around))")
                    }
                case .done?:
                    continue
                }
            }
        }
    }

    /// Partials in an order where each comes after every partial it includes, cycles aside.
    private static func postOrder(_ parts: [String: Part]) -> [String] {
        var out: [String] = []
        var seen: Set<String> = []
        for root in parts.keys.sorted() where !seen.contains(root) {
            var stack: [(name: String, next: Int)] = [(root, 0)]
            seen.insert(root)
            while let top = stack.last {
                let refs = parts[top.name]!.refs
                if top.next < refs.count {
                    stack[stack.count - 1].next += 1
                    let target = refs[top.next].name
                    if parts[target] != nil, seen.insert(target).inserted { stack.append((target, 0)) }
                } else {
                    out.append(top.name)
                    stack.removeLast()
                }
            }
        }
        return out
    }
}
