// An event's times as a message writes them: the venue's clock for a room, the reader's for a call.
import Foundation

/// Writes an event's times for one recipient (DESIGN.md "Events that change"):
/// an in-person event (`online = 0`) in its venue's zone (`events.timezone`, else the
/// organisation's), with the recipient's own time beside it when their clock reads differently;
/// an online event in the recipient's zone.
///
///     VenueTime(event: weymouth, recipient: kolkata, organisation: london).dateTime(start)
///     // "Monday 7 December, 16:30 (22:00 your time)"
///     // a day apart: "Monday 7 December, 20:00 (Tuesday 8 December, 01:30 your time)"
public struct VenueTime: Sendable {
    /// The clock the event is written in.
    public let venue: PeopleTime
    /// The recipient's clock, when it is not the venue's.
    public let recipient: PeopleTime?

    public init(event: Event, recipient: TimeZone, organisation: TimeZone) {
        if event.online {
            venue = PeopleTime(timeZone: recipient)
            self.recipient = nil
        } else {
            let zone = Organisation.venueZone(event.timezone, organisation: organisation)
            venue = PeopleTime(timeZone: zone)
            self.recipient = zone.identifier == recipient.identifier ? nil : PeopleTime(timeZone: recipient)
        }
    }

    /// `Monday 7 December, 17:00`, and ` (22:30 your time)` when the recipient's clock differs.
    public func dateTime(_ d: Date) -> String { venue.dateTime(d) + beside(d) }

    /// `Monday 7 December`: the venue's day.
    public func date(_ d: Date) -> String { venue.date(d) }

    /// `17:00`, and ` (22:30 your time)` when the recipient's clock differs.
    public func time(_ d: Date) -> String { venue.time(d) + beside(d) }

    /// The venue's calendar day of an instant.
    public func localDay(_ d: Date) -> LocalDay { venue.localDay(d) }

    /// ` (22:30 your time)`, ` (Tuesday 8 December, 03:30 your time)` on another day, or empty.
    func beside(_ d: Date) -> String {
        guard let recipient else { return "" }
        let mine = recipient.localDay(d) == venue.localDay(d) ? recipient.time(d) : recipient.dateTime(d)
        let theirs = recipient.localDay(d) == venue.localDay(d) ? venue.time(d) : venue.dateTime(d)
        return mine == theirs ? "" : " (\(mine) your time)"
    }
}

extension Organisation {
    /// A venue's zone: `events.timezone` when it names one, else the organisation's.
    public static func venueZone(_ name: String?, organisation: TimeZone) -> TimeZone {
        TimeZone.named(name) ?? organisation
    }
}
