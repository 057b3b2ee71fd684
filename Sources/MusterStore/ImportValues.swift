// Fast checks and conversions of single CSV values: emails, flags, trimming (instants: ISOTime).
import Foundation
import MusterCore

/// Value parsing for imports, written to cost microseconds a row (no formatter is made per value).
enum ImportValues {
    /// A plausible address: one `@`, a local part, a dotted domain, no spaces or control characters.
    /// Returns it with the domain lower-cased, or nil.
    static func normalizedEmail(_ text: String) -> String? {
        // What the transport can put in an envelope (printable ASCII: no SMTPUTF8), and a dotted domain.
        guard MailAddress.isPlausible(text) else { return nil }
        let utf8 = text.utf8
        guard let at = utf8.firstIndex(of: UInt8(ascii: "@")) else { return nil }
        let local = utf8[..<at]
        let domain = utf8[utf8.index(after: at)...]
        guard !local.isEmpty, !domain.isEmpty, !domain.contains(UInt8(ascii: "@")),
              !utf8.contains(where: { $0 <= 32 || $0 == 127 || $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "<")
                  || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: ";") })
        else { return nil }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && $0.first != UInt8(ascii: "-") && $0.last != UInt8(ascii: "-") })
        else { return nil }
        let domainText = String(decoding: domain, as: UTF8.self)
        return String(decoding: local, as: UTF8.self) + "@" + domainText.lowercased()
    }

    /// `0/1/true/false/yes/no` (any case) as 0 or 1.
    static func flag(_ text: String) -> Int64? {
        switch text.lowercased() {
        case "0", "false", "no": return 0
        case "1", "true", "yes": return 1
        default: return nil
        }
    }

    /// Trims spaces, tabs and line breaks from both ends, cheaply when there are none.
    static func trimmed(_ s: String) -> String {
        guard let first = s.utf8.first, let last = s.utf8.last else { return s }
        if first > 32 && last > 32 { return s }
        return s.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
