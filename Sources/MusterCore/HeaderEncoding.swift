// Header values that cannot break a message: control characters removed, RFC 2047 encoded words
// for non-ASCII text, and folding so that lines stay under 78 octets where possible (998 always).
import Foundation

/// Builds header lines. Every value from data passes through `clean` first, so no CR, LF or NUL
/// from a member's name or a subject can start a new header (`"Eve\r\nBcc: x"` becomes `Eve  Bcc: x`).
public enum HeaderEncoding {
    /// The line length folding aims for (RFC 5322 2.1.1 "SHOULD").
    public static let softLimit = 78
    /// The hard limit on a line, without CRLF (RFC 5322 2.1.1 "MUST").
    public static let hardLimit = 998

    /// Replaces every control character (C0, DEL, C1, and the Unicode line and paragraph separators)
    /// with a space.
    public static func clean(_ value: String) -> String {
        if isPrintableASCII(value) { return value }
        var out = String.UnicodeScalarView()
        for s in value.unicodeScalars {
            let v = s.value
            if v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || v == 0x2028 || v == 0x2029 {
                out.append(" ")
            } else {
                out.append(s)
            }
        }
        return String(out)
    }

    /// True when every scalar is printable ASCII or space.
    static func isPrintableASCII(_ s: String) -> Bool {
        s.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// RFC 5322 `atext` plus space: a phrase that needs no quoting.
    static func isAtomPhrase(_ s: String) -> Bool {
        s.utf8.allSatisfy { b in
            guard b >= 0x20 && b < 0x7F else { return false }
            switch b {
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "["),
                 UInt8(ascii: "]"), UInt8(ascii: ":"), UInt8(ascii: ";"), UInt8(ascii: "@"), UInt8(ascii: "\\"),
                 UInt8(ascii: ","), UInt8(ascii: "."), UInt8(ascii: "\""):
                return false
            default:
                return true
            }
        }
    }

    /// The words of `s` between ASCII spaces, none empty. Works on the UTF-8 bytes, where a space
    /// is never part of another character (splitting by `Character` costs far more).
    static func spaceSeparated(_ s: String) -> [String] {
        s.utf8.split(separator: 0x20).map { String(decoding: $0, as: UTF8.self) }
    }

    /// True when `s` holds `=?`, the start of an RFC 2047 encoded word. Called on printable ASCII,
    /// where looking at the bytes is exact (Foundation's `contains` costs a CFString search).
    static func hasEncodedWordStart(_ s: String) -> Bool {
        var previous: UInt8 = 0
        for b in s.utf8 {
            if previous == 0x3D && b == 0x3F { return true }
            previous = b
        }
        return false
    }

    /// `s` without its spaces.
    static func withoutSpaces(_ s: String) -> String {
        s.utf8.contains(0x20) ? String(decoding: s.utf8.filter { $0 != 0x20 }, as: UTF8.self) : s
    }

    /// `Name: value` folded, from tokens that must not be split. Tokens are joined by single spaces;
    /// a token that would pass `softLimit` starts a new line (CRLF SP). A token longer than the hard
    /// limit is cut (only hostile data gets there).
    public static func fold(name: String, tokens: [String]) -> String {
        var lines: [String] = []
        var line = name + ":"
        for raw in tokens where !raw.isEmpty {
            let token = raw.utf8.count > hardLimit - 10 ? String(decoding: raw.utf8.prefix(hardLimit - 10), as: UTF8.self) : raw
            if line.utf8.count + 1 + token.utf8.count > softLimit, line.utf8.count > name.utf8.count + 1, line != " " {
                lines.append(line)
                line = " " + token
            } else {
                line += " " + token
            }
        }
        lines.append(line)
        return lines.joined(separator: "\r\n")
    }

    /// An unstructured header (`Subject`): plain words when printable ASCII, else RFC 2047 B words.
    public static func unstructured(name: String, value: String) -> String {
        let v = clean(value)
        let words = spaceSeparated(v)
        let needsEncoding = !isPrintableASCII(v) || hasEncodedWordStart(v) || words.contains { $0.utf8.count > softLimit - name.utf8.count - 2 }
        if !needsEncoding { return fold(name: name, tokens: words) }
        return fold(name: name, tokens: encodedWords(v, firstLineUsed: name.utf8.count + 2))
    }

    /// An address header (`From`, `To`, `Reply-To`) for one mailbox.
    public static func mailbox(name headerName: String, _ address: MailAddress) -> String {
        let addr = "<" + withoutSpaces(clean(address.address)) + ">"
        let nameWords = spaceSeparated(clean(address.name ?? ""))
        let display = nameWords.joined(separator: " ")
        if display.isEmpty { return fold(name: headerName, tokens: [addr]) }
        if isAtomPhrase(display) && !hasEncodedWordStart(display) {
            return fold(name: headerName, tokens: nameWords + [addr])
        }
        if isPrintableASCII(display) && !hasEncodedWordStart(display) && display.utf8.count < 60 {
            let quoted = "\"" + display.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"") + "\""
            return fold(name: headerName, tokens: [quoted, addr])
        }
        return fold(name: headerName, tokens: encodedWords(display, firstLineUsed: headerName.utf8.count + 2) + [addr])
    }

    /// Splits `text` into `=?utf-8?B?...?=` words of at most 75 octets, never splitting a character.
    /// The first word is shorter when the header name already uses `firstLineUsed` octets of its line.
    public static func encodedWords(_ text: String, firstLineUsed: Int = 0) -> [String] {
        let overhead = "=?utf-8?B??=".utf8.count
        func maxBytes(_ lineUsed: Int) -> Int {
            let room = min(75, softLimit - lineUsed) - overhead
            return max(3, room / 4 * 3)
        }
        var words: [String] = []
        var chunk: [UInt8] = []
        var limit = maxBytes(firstLineUsed)
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > limit, !chunk.isEmpty {
                words.append("=?utf-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
                limit = maxBytes(1)
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty {
            words.append("=?utf-8?B?" + Data(chunk).base64EncodedString() + "?=")
        }
        return words
    }
}
