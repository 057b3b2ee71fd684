// Web addresses from the data (events.url, ballots.url): http and https only, nothing a browser would run.
import Foundation

/// The one rule for a web address that came from data: `http://` or `https://`, a host, and no
/// spaces or control characters. `javascript:`, `data:`, `file:` and the rest are refused at
/// import and never rendered, so an `href` in a message can only lead to a web page.
public enum WebAddress {
    /// Whether `text` is an http(s) address with a host.
    ///
    /// ```swift
    /// WebAddress.isWeb("https://example.org/ballot")      // true
    /// WebAddress.isWeb("javascript:alert(1)")             // false
    /// ```
    public static func isWeb(_ text: String) -> Bool {
        let utf8 = text.utf8
        // No spaces or control characters anywhere (they hide a scheme from a reader, and split headers).
        guard !utf8.contains(where: { $0 <= 32 || $0 == 127 }) else { return false }
        let lower = text.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") {
            rest = lower.dropFirst(8)
        } else if lower.hasPrefix("http://") {
            rest = lower.dropFirst(7)
        } else {
            return false
        }
        // The authority runs to the first '/', '?' or '#'; its host (after any user@, before :port) is not empty.
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" && $0 != "\\" }
        let host = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
        let name = host.hasPrefix("[") ? host : (host.split(separator: ":", omittingEmptySubsequences: false).first ?? "")
        return !name.isEmpty
    }

    /// `text` when it is an http(s) address, else nil: what a render context may carry.
    public static func web(_ text: String?) -> String? {
        guard let text, isWeb(text) else { return nil }
        return text
    }
}
