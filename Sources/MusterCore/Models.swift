// The district as muster reads it: plain values, one per row of DESIGN.md's tables.
import Foundation

/// A member's standing in the union (`members.status`).
public enum MemberStatus: String, Sendable, Codable, CaseIterable {
    case active, lapsed, left
}

/// A school, college or other place of work (`workplaces`).
public struct Workplace: Sendable, Hashable, Codable {
    public var id: Int64
    public var name: String
    public var kind: String?
    public var town: String?
    public var staffCount: Int?

    public init(id: Int64, name: String, kind: String? = nil, town: String? = nil, staffCount: Int? = nil) {
        self.id = id; self.name = name; self.kind = kind; self.town = town; self.staffCount = staffCount
    }
}

/// A member of the union (`members`). `id` is muster's own; `membershipNumber` is the union's.
public struct Member: Sendable, Hashable, Codable {
    public var id: Int64
    public var membershipNumber: String
    public var firstName: String
    public var lastName: String?
    public var email: String?
    public var workplaceID: Int64?
    public var role: String?
    public var section: String?
    public var status: MemberStatus
    /// `YYYY-MM-DD`, as stored.
    public var joinedOn: String?
    /// An IANA zone name, or nil for the organisation's.
    public var timezone: String?
    public var emailOptOut: Bool

    public init(
        id: Int64, membershipNumber: String, firstName: String, lastName: String? = nil,
        email: String? = nil, workplaceID: Int64? = nil, role: String? = nil, section: String? = nil,
        status: MemberStatus = .active, joinedOn: String? = nil, timezone: String? = nil,
        emailOptOut: Bool = false
    ) {
        self.id = id; self.membershipNumber = membershipNumber; self.firstName = firstName
        self.lastName = lastName; self.email = email; self.workplaceID = workplaceID; self.role = role
        self.section = section; self.status = status; self.joinedOn = joinedOn; self.timezone = timezone
        self.emailOptOut = emailOptOut
    }
}

extension Member {
    /// How a message names the member: first and last name, each without spaces at its ends, the
    /// empty ones left out, joined by one space ("Ann Smith"; "Ann" with no last name).
    public var fullName: String { Self.fullName(first: firstName, last: lastName) }

    /// The same rule for names already cleaned by the caller (a render context's one-line values).
    public static func fullName(first: String, last: String?) -> String {
        let f = trimmedSpaces(first), l = trimmedSpaces(last ?? "")
        if l.isEmpty { return f }
        return f.isEmpty ? l : f + " " + l
    }

    /// `s.trimmingCharacters(in: .whitespaces)`, without Foundation when both ends are ASCII other
    /// than space and tab (the only ASCII in `.whitespaces`), as almost every name is.
    static func trimmedSpaces(_ s: String) -> String {
        guard let a = s.utf8.first, let z = s.utf8.last else { return s }
        if a < 0x80, a != 0x20, a != 0x09, z < 0x80, z != 0x20, z != 0x09 { return s }
        return s.trimmingCharacters(in: .whitespaces)
    }
}

/// A member who represents a workplace (`reps`).
public struct Rep: Sendable, Hashable, Codable {
    public var memberID: Int64
    public var workplaceID: Int64
    public var role: String?

    public init(memberID: Int64, workplaceID: Int64, role: String? = nil) {
        self.memberID = memberID; self.workplaceID = workplaceID; self.role = role
    }
}

/// A meeting, course or other event (`events`). A nil `workplaceID` means district-wide.
public struct Event: Sendable, Hashable, Codable {
    public var id: Int64
    public var kind: String
    public var title: String
    public var startsAt: Date
    public var endsAt: Date?
    public var location: String?
    public var url: String?
    public var workplaceID: Int64?
    public var description: String?
    /// `scheduled`, or `cancelled`: no more reminders, and a cancellation notice.
    public var status: EventStatus
    /// The venue's IANA zone; nil for the organisation's.
    public var timezone: String?
    /// Held online: times are written in each recipient's zone rather than the venue's.
    public var online: Bool

    public init(
        id: Int64, kind: String, title: String, startsAt: Date, endsAt: Date? = nil,
        location: String? = nil, url: String? = nil, workplaceID: Int64? = nil, description: String? = nil,
        status: EventStatus = .scheduled, timezone: String? = nil, online: Bool = false
    ) {
        self.id = id; self.kind = kind; self.title = title; self.startsAt = startsAt; self.endsAt = endsAt
        self.location = location; self.url = url; self.workplaceID = workplaceID; self.description = description
        self.status = status; self.timezone = timezone; self.online = online
    }
}

/// Whether an event is still on (`events.status`).
public enum EventStatus: String, Sendable, Codable, CaseIterable {
    case scheduled, cancelled
}

/// A member's place at an event (`registrations.status`).
public enum RegistrationStatus: String, Sendable, Codable, CaseIterable {
    case registered, cancelled, attended
}

public struct Registration: Sendable, Hashable, Codable {
    public var eventID: Int64
    public var memberID: Int64
    public var status: RegistrationStatus

    public init(eventID: Int64, memberID: Int64, status: RegistrationStatus) {
        self.eventID = eventID; self.memberID = memberID; self.status = status
    }
}

/// A ballot (`ballots`). `turnoutThreshold` is a fraction (0.5) or a percentage (50), as stored.
public struct Ballot: Sendable, Hashable, Codable {
    public var id: Int64
    public var title: String
    public var opensAt: Date
    public var closesAt: Date
    public var turnoutThreshold: Double?
    public var url: String?

    public init(id: Int64, title: String, opensAt: Date, closesAt: Date, turnoutThreshold: Double? = nil, url: String? = nil) {
        self.id = id; self.title = title; self.opensAt = opensAt; self.closesAt = closesAt
        self.turnoutThreshold = turnoutThreshold; self.url = url
    }
}

/// A member's eligibility in a ballot, and their own report of voting (`ballot_members`).
public struct BallotMember: Sendable, Hashable, Codable {
    public var ballotID: Int64
    public var memberID: Int64
    public var votedAt: Date?

    public init(ballotID: Int64, memberID: Int64, votedAt: Date? = nil) {
        self.ballotID = ballotID; self.memberID = memberID; self.votedAt = votedAt
    }
}

/// The union (`organisation:` in muster.yaml).
public struct Organisation: Sendable, Hashable, Codable {
    public var name: String
    /// An IANA zone name: the default for members with none, and the zone of cron rules.
    /// Setting it resolves `timeZone` again.
    public var timezone: String {
        didSet { timeZone = Self.resolve(timezone) }
    }
    public var website: String?
    /// `timezone` resolved, once: what every pass, message and report of the district uses.
    /// UTC when no zone has that name (muster.yaml refuses such a name with its file and line,
    /// so only an organisation built in code can have one).
    public private(set) var timeZone: TimeZone

    public init(name: String, timezone: String, website: String? = nil) {
        self.name = name; self.timezone = timezone; self.website = website
        self.timeZone = Self.resolve(timezone)
    }

    private static func resolve(_ name: String) -> TimeZone { TimeZone.named(name) ?? .utc }

    // Equal, hashed, encoded and decoded by what muster.yaml says: the zone follows from `timezone`.
    enum CodingKeys: String, CodingKey { case name, timezone, website }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try c.decode(String.self, forKey: .name), timezone: try c.decode(String.self, forKey: .timezone),
                  website: try c.decodeIfPresent(String.self, forKey: .website))
    }

    public static func == (a: Organisation, b: Organisation) -> Bool {
        a.name == b.name && a.timezone == b.timezone && a.website == b.website
    }

    public func hash(into h: inout Hasher) {
        h.combine(name); h.combine(timezone); h.combine(website)
    }
}
