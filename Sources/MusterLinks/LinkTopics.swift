// The topics a member can unsubscribe from on the unsubscribe page, in words a member reads.

/// Topic names (as schedules write them in `topic:`) and what the page calls them.
///
/// The page offers the link's own topic first, then each other topic here, then "everything" (`*`).
/// Topics are listed one by one rather than grouped (meetings and training stay separate), so what a
/// member chooses is exactly what the suppression row records.
public struct LinkTopics: Sendable {
    public let names: [String]

    /// The topics of the shipped schedules.
    public static let shipped = LinkTopics(["ballots", "meetings", "training", "newsletter", "welcome"])

    public init(_ names: [String]) { self.names = names }

    /// Words for a topic after "emails about": known topics have their own, others their name.
    public static func label(_ topic: String) -> String {
        switch topic {
        case "*": "everything"
        case "ballots": "ballots"
        case "meetings": "meetings"
        case "training": "training and CPD courses"
        case "newsletter": "the reps' newsletter"
        case "welcome": "welcome messages for new members"
        default: topic
        }
    }

    /// True when `choice` may be recorded from a link whose token says `tokenTopic`.
    public func allows(_ choice: String, tokenTopic: String) -> Bool {
        choice == "*" || choice == tokenTopic || names.contains(choice)
    }
}
