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
        let bytes = Array(address.utf8)
        guard bytes.count >= 3, bytes.count <= 254 else { return false }
        var ats = 0
        for b in bytes {
            if b <= 0x20 || b >= 0x7F { return false }
            switch b {
            case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: ","), UInt8(ascii: ";"),
                 UInt8(ascii: "\""), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["),
                 UInt8(ascii: "]"), UInt8(ascii: "\\"), UInt8(ascii: ":"):
                return false
            case UInt8(ascii: "@"): ats += 1
            default: break
            }
        }
        guard ats == 1, let at = address.firstIndex(of: "@") else { return false }
        let local = address[..<at], domain = address[address.index(after: at)...]
        guard !local.isEmpty, local.count <= 64, !domain.isEmpty else { return false }
        return !domain.split(separator: ".", omittingEmptySubsequences: false).contains { $0.isEmpty }
    }

    /// `Name <address>` or `address`, unencoded, for people and logs of configuration (never of members).
    public var description: String {
        if let name, !name.isEmpty { return "\(name) <\(address)>" }
        return address
    }
}
