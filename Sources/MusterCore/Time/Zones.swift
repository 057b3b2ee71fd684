// Zone names to zones, in one place: the organisation's, a member's, a venue's.
import Foundation

extension TimeZone {
    /// UTC.
    public static let utc = TimeZone(identifier: "UTC")!

    /// The zone a name in muster.yaml or the district's data stands for (what Foundation's
    /// `TimeZone(identifier:)` knows: IANA names, and also abbreviations such as `BST`, which
    /// imports refuse); nil for nil, empty or unknown names. Every zone name is read here.
    public static func named(_ name: String?) -> TimeZone? {
        guard let name, !name.isEmpty else { return nil }
        return TimeZone(identifier: name)
    }
}

extension Organisation {
    /// The zone of a member whose `timezone` column holds `name`: theirs when it names a zone, else
    /// the organisation's. Dates in their messages are written in it and steps' `at` read in it.
    public func timeZone(member name: String?) -> TimeZone {
        TimeZone.named(name) ?? timeZone
    }
}
