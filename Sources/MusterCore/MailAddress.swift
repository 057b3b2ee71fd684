// An email address with an optional display name, as the `mail.from` setting and the members table hold them.
import Foundation

/// An address (`organising@example.org`) and an optional display name (`Dorset NEU`).
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    public var address: String
    public var name: String?

    public init(_ address: String, name: String? = nil) {
        self.address = address
        self.name = name
    }

    /// Reads `Name <addr@host>`, `"Name, Quoted" <addr@host>` or a bare `addr@host`.
    /// Returns nil when the address part is not a plausible mailbox (see `isPlausible`).
    public init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.hasSuffix(">"), let open = t.lastIndex(of: "<") {
            let addr = String(t[t.index(after: open)..<t.index(before: t.endIndex)])
            var name = t[..<open].trimmingCharacters(in: .whitespaces)
            if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
                name = String(name.dropFirst().dropLast())
                    .replacingOccurrences(of: "\\\"", with: "\"")
                    .replacingOccurrences(of: "\\\\", with: "\\")
            }
            self.init(addr, name: name.isEmpty ? nil : name)
        } else {
            self.init(t)
        }
        guard MailAddress.isPlausible(address) else { return nil }
    }

    /// The part after the last `@`, lowercased (`example.org`); `localhost` when there is none.
    public var domain: String {
        guard let at = address.lastIndex(of: "@") else { return "localhost" }
        let d = address[address.index(after: at)...].lowercased()
        return d.isEmpty ? "localhost" : d
    }

    /// True for `local@domain` with printable ASCII only: no spaces, controls, `<`, `>`, `,`, `;`, quotes,
    /// exactly one `@`, and a dot-free-or-dotted domain with no empty labels. Good enough to keep
    /// a hostile value out of an SMTP envelope; not a full RFC 5321 parser.
    public static func isPlausible(_ address: String) -> Bool {
        var copy = address
        return copy.withUTF8 { bytes -> Bool in
            guard bytes.count >= 3, bytes.count <= 254 else { return false }
            var at = -1
            for (i, b) in bytes.enumerated() {
                if b <= 0x20 || b >= 0x7F { return false }
                switch b {
                case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: ","), UInt8(ascii: ";"),
                     UInt8(ascii: "\""), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["),
                     UInt8(ascii: "]"), UInt8(ascii: "\\"), UInt8(ascii: ":"):
                    return false
                case UInt8(ascii: "@"):
                    if at >= 0 { return false }
                    at = i
                default: break
                }
            }
            // A local part of 1 to 64 octets; a domain with no empty label (no leading, trailing or double dot).
            guard at >= 1, at <= 64, at < bytes.count - 1 else { return false }
            var previous = UInt8(ascii: ".")
            for b in bytes[(at + 1)...] {
                if b == UInt8(ascii: "."), previous == UInt8(ascii: ".") { return false }
                previous = b
            }
            return previous != UInt8(ascii: ".")
        }
    }

    /// `Name <address>` or `address`, unencoded, for people and logs of configuration (never of members).
    public var description: String {
        if let name, !name.isEmpty { return "\(name) <\(address)>" }
        return address
    }
}
