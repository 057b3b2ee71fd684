// Reading back a header muster wrote: RFC 2047 encoded words (`=?utf-8?B?...?=`) made text again.
import Foundation

extension HeaderEncoding {
    /// `value` with its encoded words decoded: the white space (and folding) between two adjacent
    /// encoded words is dropped (RFC 2047 6.2), other text is kept as it is. B and Q words in UTF-8, US-ASCII and
    /// ISO-8859-1 are read; any other word, or one that does not decode, is kept as written.
    ///
    ///     HeaderEncoding.decodedWords("=?utf-8?B?Q2Fmw6k=?= =?utf-8?B?IG1lZXRpbmc=?=")   // "Café meeting"
    public static func decodedWords(_ value: String) -> String {
        var out = ""
        var lastWasWord = false
        var rest = Substring(value)
        while let start = rest.range(of: "=?") {
            let before = rest[..<start.lowerBound]
            guard let word = Self.encodedWord(at: rest[start.lowerBound...]) else {
                out += before + "=?"
                lastWasWord = false
                rest = rest[start.upperBound...]
                continue
            }
            // White space between two encoded words is not part of the text.
            if !(lastWasWord && before.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r\n" || $0 == "\n" })) { out += before }
            out += word.text
            lastWasWord = true
            rest = rest[word.end...]
        }
        return out + rest
    }

    /// The encoded word at the start of `s`, decoded, and where it ends; nil when it is not one.
    private static func encodedWord(at s: Substring) -> (text: String, end: Substring.Index)? {
        let body = s.dropFirst(2)
        let parts = body.split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, parts[3].hasPrefix("="), !parts[0].isEmpty, parts[1].count == 1,
              !parts[2].contains(" ") else { return nil }
        let charset = parts[0].lowercased().split(separator: "*").first.map(String.init) ?? ""
        let bytes: [UInt8]
        switch parts[1].uppercased() {
        case "B":
            guard let data = Data(base64Encoded: String(parts[2])) else { return nil }
            bytes = Array(data)
        case "Q":
            var b: [UInt8] = []
            var u = Array(parts[2].utf8)[...]
            while let c = u.popFirst() {
                if c == UInt8(ascii: "_") { b.append(0x20) }
                else if c == UInt8(ascii: "="), u.count >= 2, let v = UInt8(String(decoding: u.prefix(2), as: UTF8.self), radix: 16) {
                    b.append(v); u = u.dropFirst(2)
                } else { b.append(c) }
            }
            bytes = b
        default: return nil
        }
        let text: String?
        switch charset {
        case "utf-8", "utf8", "us-ascii": text = String(validating: bytes, as: UTF8.self)
        case "iso-8859-1", "latin1": text = String(bytes.map { Character(Unicode.Scalar($0)) })
        default: text = nil
        }
        guard let text else { return nil }
        return (text, parts[3].index(after: parts[3].startIndex))
    }
}
