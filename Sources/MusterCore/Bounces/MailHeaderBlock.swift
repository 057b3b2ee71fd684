// Reading the header block of a received message (untrusted mail): bounded, any bytes.
import Foundation

/// The fields of one header block (RFC 5322 2.2), unfolded, names lowercased, in order.
///
/// Values are read as UTF-8 where they are valid, and byte for byte as ISO-8859-1 where they are not,
/// so a header in any 8-bit charset still reads (its words may look odd, its addresses and status
/// codes do not). At most `maxFields` fields are kept and at most `maxBytes` of the block read.
public struct MailHeaderBlock: Sendable {
    public var fields: [(name: String, value: String)] = []

    public static let maxFields = 500
    public static let maxBytes = 256 * 1024
    /// A field longer than this (unfolded) is cut: no value muster reads is near it.
    static let maxValueBytes = 8 * 1024

    public init() {}

    /// The first field called `name` (any case), trimmed.
    public func first(_ name: String) -> String? {
        let n = name.lowercased()
        return fields.first { $0.name == n }?.value
    }

    /// Every field called `name`, trimmed.
    public func all(_ name: String) -> [String] {
        let n = name.lowercased()
        return fields.filter { $0.name == n }.map(\.value)
    }

    /// Reads the block at the start of `bytes`; returns it and where the body starts (after the blank
    /// line, or the end). Nil when the first line is neither a header field (`Name: value`) nor blank.
    public static func parse(_ bytes: ArraySlice<UInt8>) -> (block: MailHeaderBlock, bodyStart: Int)? {
        var block = MailHeaderBlock()
        var i = bytes.startIndex
        let end = min(bytes.endIndex, bytes.startIndex + maxBytes)
        var name: [UInt8] = []
        var value: [UInt8] = []
        var open = false
        func close() {
            if open, block.fields.count < maxFields {
                block.fields.append((text(name).lowercased(), text(value).trimmingCharacters(in: .whitespaces)))
            }
            open = false; name.removeAll(keepingCapacity: true); value.removeAll(keepingCapacity: true)
        }
        while i < end {
            // One line, without its CR LF.
            var j = i
            while j < end, bytes[j] != 0x0A { j += 1 }
            var lineEnd = j
            if lineEnd > i, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            let next = j < end ? j + 1 : j
            if lineEnd == i {
                close()
                return (block, next)   // a part may have no fields at all (then it is text/plain)
            }
            let first = bytes[i]
            if first == 0x20 || first == 0x09 {
                // A folded continuation.
                guard open else { if block.fields.isEmpty { return nil }; i = next; continue }
                // Unfolded: the line end and the fold's white space become one space.
                var k = i
                while k < lineEnd, bytes[k] == 0x20 || bytes[k] == 0x09 { k += 1 }
                if value.count < maxValueBytes, k < lineEnd { value.append(0x20); value += bytes[k..<min(lineEnd, k + maxValueBytes)] }
            } else {
                close()
                guard let colon = bytes[i..<lineEnd].firstIndex(of: UInt8(ascii: ":")), colon > i,
                      bytes[i..<colon].allSatisfy({ $0 > 0x20 && $0 < 0x7F })
                else {
                    // Not a field: the start of a body with no blank line, or not a message.
                    if block.fields.isEmpty { return nil }
                    return (block, i)
                }
                name = Array(bytes[i..<colon])
                value = Array(bytes[(colon + 1)..<min(lineEnd, colon + 1 + maxValueBytes)])
                open = true
            }
            i = next
        }
        close()
        return block.fields.isEmpty ? nil : (block, i)
    }

    /// UTF-8 when valid, else each byte as the ISO-8859-1 character of that number; controls become spaces.
    static func text(_ bytes: [UInt8]) -> String {
        let s = String(validating: bytes, as: UTF8.self) ?? String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        guard s.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F }) else { return s }
        return String(String.UnicodeScalarView(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }
}

/// A `Content-Type` value: `type/subtype` lowercased and its parameters (names lowercased, quotes removed).
public struct ContentType: Sendable, Equatable {
    public var type: String
    public var parameters: [String: String]

    public init(_ value: String?) {
        guard let value else { type = "text/plain"; parameters = [:]; return }
        var parts = Self.splitParameters(value)
        type = parts.isEmpty ? "text/plain" : parts.removeFirst().trimmingCharacters(in: .whitespaces).lowercased()
        var p: [String: String] = [:]
        for part in parts.prefix(32) {
            guard let eq = part.firstIndex(of: "=") else { continue }
            let k = part[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            var v = part[part.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if v.count >= 2, v.hasPrefix("\""), v.hasSuffix("\"") {
                v = String(v.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
            }
            if p[k] == nil { p[k] = v }
        }
        parameters = p
    }

    /// Splits at `;` outside quotes.
    static func splitParameters(_ value: String) -> [String] {
        var out: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for c in value {
            if escaped { current.append(c); escaped = false; continue }
            if c == "\\", quoted { current.append(c); escaped = true; continue }
            if c == "\"" { quoted.toggle() }
            if c == ";", !quoted { out.append(current); current = ""; continue }
            current.append(c)
        }
        out.append(current)
        return out
    }
}
