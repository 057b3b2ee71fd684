// What a transport says about one message, classified where it happened.
import Foundation

/// The outcome of one delivery attempt, with the server's reply (addresses in it replaced by `<address>`).
///
/// - `sent`: the server took it (2xx after the data).
/// - `deferred`: try again later: a 4xx reply, a dropped connection, a timeout. `transportDown` is
///   true when the transport could not be used at all (connection refused, TLS or authentication
///   refused, no greeting); a batch in which every message is deferred with it is a `tick` exit 3.
/// - `failed`: refused for good: a 5xx reply. `unknownUser` is true for a 5.1.x status (bad mailbox),
///   after which the address is suppressed.
public enum DeliveryResult: Sendable, Hashable {
    case sent(reply: String)
    case deferred(reply: String, transportDown: Bool = false)
    case failed(reply: String, unknownUser: Bool = false)

    /// The server's reply or the fault, as recorded in the outbox.
    public var reply: String {
        switch self {
        case .sent(let r), .deferred(let r, _), .failed(let r, _): return r
        }
    }

    /// Classifies an SMTP reply code and text (`550`, `"5.1.1 <a@b>: Recipient address rejected"`).
    /// 2xx is sent, 4xx deferred, 5xx failed (5.1.x also `unknownUser`); anything else (0 for no
    /// reply, a 3xx left hanging) is deferred.
    public static func classify(code: Int, reply: String) -> DeliveryResult {
        switch code {
        case 200..<300: return .sent(reply: reply)
        case 500..<600: return .failed(reply: reply, unknownUser: isBadMailbox(reply))
        default: return .deferred(reply: reply)
        }
    }

    /// True when the reply carries an RFC 3463 enhanced status `5.1.x` (`550 5.1.1 User unknown`).
    public static func isBadMailbox(_ reply: String) -> Bool {
        for word in reply.split(whereSeparator: { $0 == " " || $0 == "-" }).prefix(3) {
            let parts = word.split(separator: ".", omittingEmptySubsequences: false)
            if parts.count == 3, parts[0] == "5", parts[1] == "1", !parts[2].isEmpty, parts[2].allSatisfy(\.isNumber) {
                return true
            }
        }
        return false
    }

    /// Replaces anything that looks like an email address (`<ann@example.com>`, `ann@example.com`)
    /// with `<address>`, so replies can be logged and shown without personal data.
    public static func redactAddresses(_ text: String) -> String {
        if !text.utf8.contains(UInt8(ascii: "@")) { return HeaderEncoding.clean(text) }
        var out = ""
        for (i, token) in text.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
            if i > 0 { out += " " }
            if token.contains("@") {
                var t = Substring(token)
                var trailer = ""
                while let last = t.last, ":,;.".contains(last) { trailer = String(last) + trailer; t = t.dropLast() }
                out += "<address>" + trailer
            } else {
                out += token
            }
        }
        return HeaderEncoding.clean(out)
    }
}
