// Signing and checking link tokens (HMAC-SHA256), and the URLs messages carry.
import Crypto
import Foundation
import MusterCore

/// Makes and checks the tokens in `{base_url}/u/{token}`, `/v/{token}`, `/r/{token}` and `/m/{token}` (a rep's mark_voted).
///
/// A token is `base64url(payload ‖ MAC)`, where the MAC is HMAC-SHA256 over the payload, cut to
/// 16 bytes (128 bits), keyed with a key derived from each secret (`HMAC(secret, "muster-links-v1")`,
/// so a secret reused elsewhere never signs the same bytes). The first secret signs; every secret
/// verifies, so a rotated-out secret keeps its links working. MACs are compared in constant time.
///
/// ```swift
/// let signer = try LinkSigner(config: config.links)          // reads MUSTER_LINK_SECRET
/// let links = signer.links(memberID: 17, topic: "ballots", eventID: nil, ballotID: 3,
///                          expires: LinkSigner.votedExpiry(closesAt: ballot.closesAt))
/// ```
///
/// Expiry: unsubscribe links never expire (RFC 8058 asks that they keep working well after the
/// message; an old message's link still stopping mail is what a member expects). Pledge ("I've voted")
/// and RSVP links carry the expiry the caller gives (see `votedExpiry(closesAt:)`, `rsvpExpiry(startsAt:)`).
public struct LinkSigner: Sendable {
    /// Without a trailing slash; nil when messages carry no links.
    public let baseURL: String?
    private let keys: [SymmetricKey]

    static let macBytes = 16
    /// Longer strings are refused before any work: a real token is under 60 characters.
    static let maxTokenChars = 200

    public init(secrets: LinkSecrets, baseURL: String?) {
        self.keys = secrets.secrets.map { secret in
            SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(
                for: Array("muster-links-v1".utf8), using: SymmetricKey(data: secret))))
        }
        var base = baseURL?.trimmingCharacters(in: .whitespaces)
        while let b = base, b.hasSuffix("/") { base = String(b.dropLast()) }
        self.baseURL = (base?.isEmpty ?? true) ? nil : base
    }

    /// Reads the secrets from the variable `config.secretEnv` names.
    public init(config: LinksConfig, environment: [String: String] = ProcessInfo.processInfo.environment) throws(LinkSecretError) {
        self.init(secrets: try LinkSecrets(variable: config.secretEnv, environment: environment), baseURL: config.baseURL)
    }

    // MARK: Signing

    /// The token for `action`, signed with the first secret.
    public func token(_ action: LinkAction, expires: Date? = nil) -> String {
        Base64URL.encode(tokenBytes(action, expires: expires))
    }

    /// The token's bytes (payload ‖ MAC), for an encoding other than base64url (`VERP` writes base32).
    public func tokenBytes(_ action: LinkAction, expires: Date? = nil) -> [UInt8] {
        let payload = LinkToken(action: action, expires: expires).payload
        return payload + Self.mac(payload, key: keys[0])
    }

    /// Every link a message may carry. `unsubscribe` always; `voted` with a ballot; `rsvpYes`/`rsvpNo`
    /// with an event. `expires` applies to the pledge and RSVP links (nil: they never expire).
    /// All nil when there is no `links.base_url`.
    public func links(memberID: Int64, topic: String, eventID: Int64?, ballotID: Int64?, expires: Date?) -> MessageLinks {
        guard let base = baseURL else { return MessageLinks() }
        var links = MessageLinks(unsubscribe: "\(base)/u/" + token(.unsubscribe(memberID: memberID, topic: topic)))
        if let ballotID {
            links.voted = "\(base)/v/" + token(.voted(memberID: memberID, ballotID: ballotID), expires: expires)
        }
        if let eventID {
            links.rsvpYes = "\(base)/r/" + token(.rsvp(memberID: memberID, eventID: eventID, answer: .yes), expires: expires)
            links.rsvpNo = "\(base)/r/" + token(.rsvp(memberID: memberID, eventID: eventID, answer: .no), expires: expires)
        }
        return links
    }

    /// The link on a rep's chase list by which rep `repID` reports that `memberID` has voted:
    /// `{base_url}/m/{token}`, working until `expires` (a day after the ballot closes); nil without `links.base_url`.
    public func markVotedLink(repID: Int64, memberID: Int64, ballotID: Int64, expires: Date) -> String? {
        baseURL.map { "\($0)/m/" + token(.markVoted(repID: repID, memberID: memberID, ballotID: ballotID), expires: expires) }
    }

    /// The `List-Unsubscribe` URL (the same as `links(...).unsubscribe`); nil without `links.base_url`.
    public func unsubscribeURL(memberID: Int64, topic: String) -> String? {
        baseURL.map { "\($0)/u/" + token(.unsubscribe(memberID: memberID, topic: topic)) }
    }

    /// A pledge link works until a day after the ballot closes (a late click still stops reminders of nothing, harmlessly).
    public static func votedExpiry(closesAt: Date) -> Date { closesAt.addingTimeInterval(86_400) }

    /// An RSVP link works until the event starts.
    public static func rsvpExpiry(startsAt: Date) -> Date { startsAt }

    // MARK: Checking

    /// The token's content, if it was signed by one of our secrets, is for `purpose`, and has not expired at `now`.
    public func verify(_ token: String, as purpose: LinkPurpose, now: Date) throws(LinkTokenError) -> LinkToken {
        guard token.utf8.count <= Self.maxTokenChars, let bytes = Base64URL.decode(token) else { throw .malformed }
        return try verify(bytes: bytes, as: purpose, now: now)
    }

    /// The same check on a token's bytes (however they were written).
    public func verify(bytes: [UInt8], as purpose: LinkPurpose, now: Date) throws(LinkTokenError) -> LinkToken {
        guard bytes.count > Self.macBytes + 3, bytes.count <= Self.maxTokenChars else { throw .malformed }
        let payload = Array(bytes[..<(bytes.count - Self.macBytes)])
        let mac = Array(bytes[(bytes.count - Self.macBytes)...])
        var authentic = false
        for key in keys where ConstantTime.equals(Self.mac(payload, key: key), mac) { authentic = true }
        guard authentic else { throw .forged }
        guard let t = LinkToken(payload: payload) else { throw .malformed }
        guard t.action.purpose == purpose else { throw .wrongPurpose }
        if let e = t.expires, now >= e { throw .expired }
        return t
    }

    private static func mac(_ payload: [UInt8], key: SymmetricKey) -> [UInt8] {
        Array(Array(HMAC<SHA256>.authenticationCode(for: payload, using: key)).prefix(macBytes))
    }
}

/// Why a link was refused. None of these says anything about the member.
public enum LinkTokenError: Error, Equatable, CustomStringConvertible {
    /// Not something we could have written (bad characters, too short or long).
    case malformed
    /// Well-formed but not signed by any of our secrets (tampered with, or signed with a dropped secret).
    case forged
    /// Ours, but for another kind of link.
    case wrongPurpose
    /// Ours, but past its expiry.
    case expired

    public var description: String {
        switch self {
        case .malformed: "malformed"
        case .forged: "forged"
        case .wrongPurpose: "wrong_purpose"
        case .expired: "expired"
        }
    }
}
