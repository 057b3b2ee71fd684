// The RFC 5545 invite a `calendar: true` event reminder carries (METHOD:PUBLISH, one VEVENT).
import Foundation

/// One event as an iCalendar object. The UID is stable per event (`event-42@example.org`), so a
/// second reminder updates the same calendar entry instead of adding another; raise `sequence` when
/// the event itself changes.
///
///     let invite = CalendarInvite(uid: CalendarInvite.uid(eventID: 42, domain: "example.org"),
///                                 stamp: now, start: event.startsAt, end: event.endsAt,
///                                 summary: event.title, location: event.location)
///     invite.render()   // "BEGIN:VCALENDAR\r\n...METHOD:PUBLISH\r\n...END:VCALENDAR\r\n"
public struct CalendarInvite: Sendable, Hashable {
    public var uid: String
    /// DTSTAMP: when this copy was made (the message's date).
    public var stamp: Date
    public var start: Date
    /// DTEND; an event with none is given one hour.
    public var end: Date?
    public var sequence: Int
    public var summary: String
    public var location: String?
    public var description: String?
    public var url: String?
    /// ORGANIZER (RFC 5546 3.2.1 requires one): the sender, `mail.from`.
    public var organizer: MailAddress?
    /// PUBLISH for an invite or update; CANCEL (with STATUS:CANCELLED) for a cancelled event.
    public var method: Method

    public enum Method: String, Sendable, Hashable {
        case publish = "PUBLISH", cancel = "CANCEL"
    }

    public init(
        uid: String, stamp: Date, start: Date, end: Date? = nil, sequence: Int = 0, summary: String,
        location: String? = nil, description: String? = nil, url: String? = nil, organizer: MailAddress? = nil,
        method: Method = .publish
    ) {
        self.uid = uid; self.stamp = stamp; self.start = start; self.end = end; self.sequence = sequence
        self.summary = summary; self.location = location; self.description = description; self.url = url
        self.organizer = organizer; self.method = method
    }

    /// `ORGANIZER;CN=Dorset NEU:mailto:organising@example.org` (the name quoted when it needs it).
    static func organizerLine(_ a: MailAddress) -> String {
        let address = HeaderEncoding.clean(a.address).filter { !$0.isWhitespace }
        guard let raw = a.name, case let name = HeaderEncoding.clean(raw).replacingOccurrences(of: "\"", with: "'"),
              !name.trimmingCharacters(in: .whitespaces).isEmpty else { return "ORGANIZER:mailto:\(address)" }
        let needsQuotes = name.contains { ";:,".contains($0) }
        return "ORGANIZER;CN=\(needsQuotes ? "\"\(name)\"" : name):mailto:\(address)"
    }

    /// `event-42@example.org`.
    public static func uid(eventID: Int64, domain: String) -> String {
        "event-\(eventID)@\(domain)"
    }

    /// The whole VCALENDAR, CRLF line ends, content lines folded at 75 octets.
    public func render() -> String {
        var lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//muster//muster//EN",
            "CALSCALE:GREGORIAN",
            "METHOD:" + method.rawValue,
            "BEGIN:VEVENT",
            "UID:" + CalendarInvite.escapeText(uid),
            "DTSTAMP:" + CalendarInvite.utc(stamp),
            "DTSTART:" + CalendarInvite.utc(start),
            "DTEND:" + CalendarInvite.utc(end ?? start.addingTimeInterval(3600)),
            "SEQUENCE:\(sequence)",
            "SUMMARY:" + CalendarInvite.escapeText(summary),
        ]
        if let organizer { lines.insert(CalendarInvite.organizerLine(organizer), at: 7) }
        if method == .cancel { lines.append("STATUS:CANCELLED") }
        if let location, !location.isEmpty { lines.append("LOCATION:" + CalendarInvite.escapeText(location)) }
        if let description, !description.isEmpty { lines.append("DESCRIPTION:" + CalendarInvite.escapeText(description)) }
        if let url, !url.isEmpty { lines.append("URL:" + HeaderEncoding.clean(url).replacingOccurrences(of: " ", with: "%20")) }
        lines += ["END:VEVENT", "END:VCALENDAR"]
        return lines.map(CalendarInvite.fold).joined(separator: "\r\n") + "\r\n"
    }

    /// `20261123T090000Z`.
    public static func utc(_ date: Date) -> String {
        let f = UTCFields(date)
        let d = UTCFields.digits
        return "\(d(f.day.year, 4))\(d(f.day.month, 2))\(d(f.day.day, 2))T\(d(f.hour, 2))\(d(f.minute, 2))\(d(f.second, 2))Z"
    }

    /// RFC 5545 3.3.11 TEXT: backslash, semicolon and comma escaped, any line end as `\n`,
    /// other control characters as a space.
    public static func escapeText(_ text: String) -> String {
        var out = ""
        var previousCR = false
        for s in text.unicodeScalars {
            switch s {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\r": out += "\\n"
            case "\n": if !previousCR { out += "\\n" }
            default:
                let v = s.value
                if v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) { out += " " } else { out.unicodeScalars.append(s) }
            }
            previousCR = s == "\r"
        }
        return out
    }

    /// Folds one content line so that no line exceeds 75 octets, never inside a UTF-8 sequence;
    /// continuation lines start with a space (RFC 5545 3.1).
    public static func fold(_ line: String) -> String {
        var out: [String] = []
        var current = ""
        var used = 0
        for s in line.unicodeScalars {
            let n = String(s).utf8.count
            if used + n > 75 {
                out.append(current)
                current = " "
                used = 1
            }
            current.unicodeScalars.append(s)
            used += n
        }
        out.append(current)
        return out.joined(separator: "\r\n")
    }
}
