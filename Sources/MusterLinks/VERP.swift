// VERP: the envelope sender `bounces+TOKEN@example.org` that names the outbox entry a bounce is about.
import Foundation
import MusterCore

/// Makes and reads the envelope senders of `mail.bounce_address` (variable envelope return path).
///
/// The token is a link token of its own purpose (`LinkPurpose.bounce`: member and outbox ids, no
/// expiry) signed with the link secret as links are, written in lowercase base32 (RFC 4648, no
/// padding), since relays and mailbox providers may change the case of a local part. Member 17's
/// entry 4200 gives 34 characters: `bounces+ab…@example.org`. A token of another purpose (an
/// unsubscribe link's bytes, say) is refused as `wrong_purpose`, one not signed by us as `forged`.
///
///     let verp = VERP(bounceAddress: MailAddress("bounces@example.org"), signer: signer)
///     verp.sender(outboxID: 4200, memberID: 17)              // "bounces+…@example.org"
///     try verp.read("bounces+…@example.org", now: now)         // (outboxID: 4200, memberID: 17)
public struct VERP: Sendable {
    public let local: String
    public let domain: String
    let signer: LinkSigner

    /// The most octets RFC 5321 allows in a local part.
    public static let maxLocalPart = 64
    /// The longest `mail.bounce_address` local part the config accepts: leaves room for `+` and a token
    /// of ids up to 2^21 members and 2^35 outbox entries (45 characters).
    public static let maxBaseLocalPart = 18

    public init(bounceAddress: MailAddress, signer: LinkSigner) {
        let a = bounceAddress.address
        let at = a.lastIndex(of: "@") ?? a.endIndex
        self.local = String(a[..<at])
        self.domain = bounceAddress.domain
        self.signer = signer
    }

    /// The bare bounce address (no token), for messages whose token would not fit.
    public var plain: String { "\(local)@\(domain)" }

    /// `local+TOKEN@domain`; the plain address when the local part would pass 64 octets.
    public func sender(outboxID: Int64, memberID: Int64) -> String {
        let token = Base32.encode(signer.tokenBytes(.bounce(memberID: memberID, outboxID: outboxID)))
        let l = "\(local)+\(token)"
        return l.utf8.count <= Self.maxLocalPart ? "\(l)@\(domain)" : plain
    }

    /// The token's part of `address` when it is `local+TOKEN@domain` of this bounce address
    /// (case-insensitive); nil for any other address.
    public func token(in address: String) -> String? {
        var a = address.trimmingCharacters(in: .whitespaces)
        if a.hasPrefix("<"), a.hasSuffix(">") { a = String(a.dropFirst().dropLast()) }
        guard a.utf8.count <= 254, let at = a.lastIndex(of: "@"),
              a[a.index(after: at)...].lowercased() == domain else { return nil }
        let l = a[..<at]
        let prefix = local.lowercased() + "+"
        guard l.lowercased().hasPrefix(prefix) else { return nil }
        let token = String(l.dropFirst(prefix.count))
        return token.isEmpty ? nil : token
    }

    /// The outbox entry and member a token names, if we signed it for bounces.
    public func verify(token: String, now: Date) throws(LinkTokenError) -> (outboxID: Int64, memberID: Int64) {
        guard token.utf8.count <= 80, let bytes = Base32.decode(token) else { throw .malformed }
        let t = try signer.verify(bytes: bytes, as: .bounce, now: now)
        guard case let .bounce(member, outbox) = t.action else { throw .wrongPurpose }
        return (outbox, member)
    }
}

/// Lowercase base32 (RFC 4648 alphabet), no padding; decoding accepts either case.
public enum Base32 {
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 8 + 4) / 5)
        var buffer: UInt32 = 0
        var bits = 0
        for b in bytes {
            buffer = (buffer << 8) | UInt32(b)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Nil for any character outside the alphabet, or trailing bits that are not zero.
    public static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for c in text.utf8 {
            let v: UInt32
            switch c {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = UInt32(c - UInt8(ascii: "a"))
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = UInt32(c - UInt8(ascii: "A"))
            case UInt8(ascii: "2")...UInt8(ascii: "7"): v = UInt32(c - UInt8(ascii: "2")) + 26
            default: return nil
            }
            buffer = (buffer << 5) | v
            bits += 5
            if bits >= 8 {
                out.append(UInt8((buffer >> UInt32(bits - 8)) & 0xFF))
                bits -= 8
            }
            buffer &= (1 << UInt32(bits)) - 1
        }
        guard bits < 5, buffer == 0 else { return nil }
        return out
    }
}
