// Fuzzes a template's front matter, tag scanning and the strict check (TemplateSource, TagScanner,
// TagChecker, then swift-mustache's compile and a render against the sample data).
import CFuzzer
import Foundation
import MusterCore
import MusterTemplates

/// The input is up to three parts split at NUL bytes: the text template (front matter and body),
/// its HTML alternative, and a partial `p` (text and HTML). The first byte picks the kind of rule.
/// The partial's `<` and `>` are dropped so that it cannot include a partial: a partial that
/// includes itself is the depth check's business (issue 18 item 1), not this harness's.
func fuzzTemplate(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = count == 0 ? [] : Array(UnsafeBufferPointer(start: start, count: count))
    guard let first = bytes.first else { return 0 }
    let kind = ContextKind.allCases[Int(first) % ContextKind.allCases.count]
    let parts = bytes.dropFirst().split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
        .map { String(decoding: $0, as: UTF8.self) }
    var files = ["fuzz.mustache": parts[0]]
    if parts.count > 1 { files["fuzz.html.mustache"] = parts[1] }
    if parts.count > 2 {
        let partial = parts[2].filter { $0 != "<" && $0 != ">" }
        files["partials/p.mustache"] = partial
        files["partials/p.html.mustache"] = partial
    }
    let set = TemplateSet(files: files, displayPath: "templates")
    for error in set.check(template: "fuzz", kind: kind) {
        precondition(error.file.hasPrefix("templates/"), "an error naming no template file: \(error)")
        _ = error.description
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzTemplate))
