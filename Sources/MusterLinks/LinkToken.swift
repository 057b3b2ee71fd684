// What a link token says: its purpose, the member, the topic / ballot / event, and when it stops working.
import Foundation

/// The things a link can do; the router checks that a token is used only for its own purpose.
public enum LinkPurpose: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case unsubscribe = 1, voted = 2, rsvp = 3, markVoted = 4
    /// Not a link: the VERP token of an envelope sender (`VERP`), naming an outbox entry.
    case bounce = 5
    public var description: String {
        switch self {
        case .unsubscribe: "unsubscribe"
        case .voted: "voted"
        case .rsvp: "rsvp"
        case .markVoted: "mark_voted"
        case .bounce: "bounce"
        }
    }
}

/// A member's answer to an invitation.
public enum RSVPAnswer: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case yes = 1, no = 2
    public var description: String { self == .yes ? "yes" : "no" }
}

/// The act a link stands for, with the ids it acts on.
public enum LinkAction: Sendable, Hashable {
    /// Stop messages of `topic` (`*` for everything) to the member.
    case unsubscribe(memberID: Int64, topic: String)
    /// The member reports they have voted in the ballot.
    case voted(memberID: Int64, ballotID: Int64)
    /// The member's answer to the event's invitation (the page still offers both answers).
    case rsvp(memberID: Int64, eventID: Int64, answer: RSVPAnswer)
    /// Rep `repID` reports that `memberID` has voted in the ballot (from the rep's chase list).
    case markVoted(repID: Int64, memberID: Int64, ballotID: Int64)
    /// The envelope sender of the outbox entry (`VERP`): a bounce sent to it is about that entry.
    case bounce(memberID: Int64, outboxID: Int64)

    public var purpose: LinkPurpose {
        switch self {
        case .unsubscribe: .unsubscribe
        case .voted: .voted
        case .rsvp: .rsvp
        case .markVoted: .markVoted
        case .bounce: .bounce
        }
    }

    /// The member the link was sent to (for `markVoted`, the rep).
    public var memberID: Int64 {
        switch self {
        case .unsubscribe(let m, _), .voted(let m, _), .rsvp(let m, _, _), .markVoted(let m, _, _), .bounce(let m, _): m
        }
    }
}

/// The signed content of a link: an action and, for pledges and RSVPs, an expiry (whole seconds).
///
/// Wire form (before the MAC is appended): version byte `1`, purpose byte, member id as an unsigned
/// LEB128 varint, then the purpose's fields (topic: length byte + UTF-8; ballot or event id: varint;
/// answer: one byte; for mark_voted the member's id then the ballot's, varints), then the expiry as a varint of Unix seconds, `0` meaning none. About 6 to 20 bytes.
public struct LinkToken: Sendable, Hashable {
    public var action: LinkAction
    public var expires: Date?

    public init(action: LinkAction, expires: Date?) {
        self.action = action
        self.expires = expires.map { Date(timeIntervalSince1970: $0.timeIntervalSince1970.rounded(.down)) }
    }

    static let version: UInt8 = 1
    /// Topic names are cut to this many bytes when signing (they are short words: `ballots`).
    static let maxTopicBytes = 64
    /// Expiries are whole seconds below this, so that a Date carries them exactly.
    static let maxExpirySeconds: UInt64 = 1 << 53

    var payload: [UInt8] {
        var out: [UInt8] = [Self.version, action.purpose.rawValue]
        Self.appendVarint(UInt64(bitPattern: action.memberID), to: &out)
        switch action {
        case .unsubscribe(_, let topic):
            var bytes = [UInt8]()
            for c in topic where bytes.count + c.utf8.count <= Self.maxTopicBytes { bytes += c.utf8 }
            out.append(UInt8(bytes.count))
            out += bytes
        case .voted(_, let ballotID):
            Self.appendVarint(UInt64(bitPattern: ballotID), to: &out)
        case .rsvp(_, let eventID, let answer):
            Self.appendVarint(UInt64(bitPattern: eventID), to: &out)
            out.append(answer.rawValue)
        case .markVoted(_, let member, let ballotID):
            Self.appendVarint(UInt64(bitPattern: member), to: &out)
            Self.appendVarint(UInt64(bitPattern: ballotID), to: &out)
        case .bounce(_, let outboxID):
            Self.appendVarint(UInt64(bitPattern: outboxID), to: &out)
        }
        let seconds = expires.map { UInt64(max(1, $0.timeIntervalSince1970)) } ?? 0
        Self.appendVarint(seconds, to: &out)
        return out
    }

    /// Reads a payload back; nil for anything this version did not write.
    init?(payload bytes: [UInt8]) {
        var r = Reader(bytes: bytes)
        guard r.byte() == Self.version, let p = r.byte().flatMap(LinkPurpose.init(rawValue:)),
              let member = r.varint() else { return nil }
        let memberID = Int64(bitPattern: member)
        switch p {
        case .unsubscribe:
            guard let n = r.byte(), let t = r.bytes(Int(n)), let topic = String(validating: t, as: UTF8.self)
            else { return nil }
            action = .unsubscribe(memberID: memberID, topic: topic)
        case .voted:
            guard let b = r.varint() else { return nil }
            action = .voted(memberID: memberID, ballotID: Int64(bitPattern: b))
        case .rsvp:
            guard let e = r.varint(), let a = r.byte().flatMap(RSVPAnswer.init(rawValue:)) else { return nil }
            action = .rsvp(memberID: memberID, eventID: Int64(bitPattern: e), answer: a)
        case .markVoted:
            guard let m = r.varint(), let b = r.varint() else { return nil }
            action = .markVoted(repID: memberID, memberID: Int64(bitPattern: m), ballotID: Int64(bitPattern: b))
        case .bounce:
            guard let o = r.varint() else { return nil }
            action = .bounce(memberID: memberID, outboxID: Int64(bitPattern: o))
        }
        // An expiry past 2^53 s cannot be held exactly by a Date: it would sign again as another
        // number (2^63 - 1 comes back as 2^63, which this refuses). No date muster writes is near it.
        guard let seconds = r.varint(), r.atEnd, seconds < Self.maxExpirySeconds else { return nil }
        expires = seconds == 0 ? nil : Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    private struct Reader {
        let bytes: [UInt8]
        var at = 0
        var atEnd: Bool { at == bytes.count }
        mutating func byte() -> UInt8? {
            guard at < bytes.count else { return nil }
            defer { at += 1 }
            return bytes[at]
        }
        mutating func bytes(_ n: Int) -> [UInt8]? {
            guard n >= 0, at + n <= bytes.count else { return nil }
            defer { at += n }
            return Array(bytes[at..<at + n])
        }
        mutating func varint() -> UInt64? {
            var value: UInt64 = 0
            for shift in stride(from: 0, to: 70, by: 7) {
                guard let b = byte() else { return nil }
                if shift == 63, b > 1 { return nil }
                value |= UInt64(b & 0x7F) << UInt64(shift)
                if b & 0x80 == 0 { return value }
            }
            return nil
        }
    }
}
