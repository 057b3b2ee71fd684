// The bytes of one message as it is stored in the outbox and sent: RFC 5322 headers and a MIME body.
import Foundation

/// A header the caller adds, such as `List-Unsubscribe`. The name keeps only letters, digits and
/// `-`; the value is cleaned of control characters like every other header.
public struct MIMEHeader: Sendable, Hashable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) { self.name = name; self.value = value }
}

/// One message, ready to render. Rendering is pure: the same values give the same bytes.
///
/// - CRLF line ends; no line reaches 998 octets. Bodies are quoted-printable (soft breaks at 76),
///   bare CR or LF in them becomes CRLF, so a lone `.` line is an ordinary line for the SMTP layer to
///   dot-stuff.
/// - `text/plain; charset=utf-8` alone, `multipart/alternative` with HTML, and with an invite a
///   `multipart/mixed` whose second part is `text/calendar; method=PUBLISH` (`invite.ics`).
/// - Names and subjects outside printable ASCII become RFC 2047 encoded words; control characters
///   from data become spaces, so no value can add a header or a recipient.
///
///     let message = MIMEMessage(
///         from: MailAddress("organising@example.org", name: "Dorset NEU"),
///         to: MailAddress("ann@example.com", name: "Ann"),
///         content: MessageContent(subject: "Welcome", text: "Hello Ann"),
///         date: now, messageID: MIMEMessage.messageID(forKey: occurrence.dedupeKey, domain: "example.org"))
///     let bytes = message.render()
public struct MIMEMessage: Sendable, Hashable {
    public var from: MailAddress
    public var replyTo: MailAddress?
    public var to: MailAddress
    public var content: MessageContent
    public var date: Date
    /// With angle brackets: `<0123...@example.org>`.
    public var messageID: String
    public var extraHeaders: [MIMEHeader]
    public var invite: CalendarInvite?
    /// `invite` already made into its attachment (`calendarPart`), when many messages share it.
    public var invitePart: MIMEPart?

    public init(
        from: MailAddress, replyTo: MailAddress? = nil, to: MailAddress, content: MessageContent,
        date: Date, messageID: String, extraHeaders: [MIMEHeader] = [], invite: CalendarInvite? = nil,
        invitePart: MIMEPart? = nil
    ) {
        self.from = from; self.replyTo = replyTo; self.to = to; self.content = content; self.date = date
        self.messageID = messageID; self.extraHeaders = extraHeaders; self.invite = invite
        self.invitePart = invitePart
    }

    /// The `text/calendar; method=PUBLISH` attachment (`invite.ics`) for `invite`. Every recipient of
    /// one event's reminder at one time gets the same bytes, so it can be made once and passed to
    /// each message as `invitePart`.
    public static func calendarPart(_ invite: CalendarInvite) -> MIMEPart {
        let (headers, body) = part(
            type: "text/calendar; charset=utf-8; method=\(invite.method.rawValue);\r\n name=\"invite.ics\"",
            body: invite.render(),
            disposition: "Content-Disposition: attachment; filename=\"invite.ics\"\r\n")
        return MIMEPart(headers: headers, body: body)
    }

    /// The Message-ID for an outbox key: `<32 hex digits@domain>`, the same for the same key, always.
    public static func messageID(forKey key: String, domain: String) -> String {
        let d = HeaderEncoding.clean(domain).filter { !$0.isWhitespace && $0 != ">" && $0 != "<" }
        return "<\(StableHash.hex128(key))@\(d.isEmpty ? "localhost" : d)>"
    }

    /// `List-Unsubscribe: <url>` and `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
    public static func listUnsubscribeHeaders(url: String) -> [MIMEHeader] {
        [MIMEHeader("List-Unsubscribe", "<\(url)>"), MIMEHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")]
    }

    /// RFC 5322 date in UTC: `Mon, 23 Nov 2026 09:00:00 +0000`.
    public static func dateHeader(_ date: Date) -> String {
        let f = UTCFields(date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let d = UTCFields.digits
        return "\(days[f.day.weekday]), \(d(f.day.day, 2)) \(months[f.day.month - 1]) \(d(f.day.year, 4)) "
            + "\(d(f.hour, 2)):\(d(f.minute, 2)):\(d(f.second, 2)) +0000"
    }

    /// The message as it goes on the wire (before SMTP dot-stuffing).
    public func render() -> Data {
        var head: [String] = [
            HeaderEncoding.mailbox(name: "From", from),
        ]
        if let replyTo { head.append(HeaderEncoding.mailbox(name: "Reply-To", replyTo)) }
        head.append(HeaderEncoding.mailbox(name: "To", to))
        head.append(HeaderEncoding.unstructured(name: "Subject", value: content.subject))
        head.append("Date: " + MIMEMessage.dateHeader(date))
        let id = HeaderEncoding.clean(messageID)
        let bareID = HeaderEncoding.isPrintableASCII(id) ? HeaderEncoding.withoutSpaces(id) : id.replacingOccurrences(of: " ", with: "")
        head.append(HeaderEncoding.fold(name: "Message-ID", tokens: [bareID]))
        head.append("MIME-Version: 1.0")
        for h in extraHeaders {
            // ASCII letters, digits and '-' (the ASCII part of `CharacterSet.alphanumerics` is letters and digits).
            let name = String(decoding: h.name.utf8.filter { b in
                b == 0x2D || (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)
            }, as: UTF8.self)
            guard !name.isEmpty else { continue }
            let value = HeaderEncoding.clean(h.value)
            if HeaderEncoding.isPrintableASCII(value) {
                head.append(HeaderEncoding.fold(name: name, tokens: HeaderEncoding.spaceSeparated(value)))
            } else {
                head.append(HeaderEncoding.unstructured(name: name, value: value))
            }
        }
        var out: [UInt8] = Array((head.joined(separator: "\r\n") + "\r\n").utf8)
        let boundary = "=_muster_" + String(StableHash.hex128(messageID).prefix(20))
        let textPart = MIMEMessage.part(type: "text/plain; charset=utf-8", body: content.text)
        var body: [UInt8]
        var bodyHeaders: String
        if let html = content.html {
            let alt = boundary + "_alt"
            bodyHeaders = "Content-Type: multipart/alternative;\r\n boundary=\"\(alt)\"\r\n"
            body = MIMEMessage.multipart(boundary: alt, parts: [
                textPart, MIMEMessage.part(type: "text/html; charset=utf-8", body: html),
            ])
        } else {
            (bodyHeaders, body) = textPart
        }
        if let calendar = invitePart ?? invite.map(MIMEMessage.calendarPart) {
            let mixed = boundary + "_mix"
            body = MIMEMessage.multipart(boundary: mixed, parts: [(bodyHeaders, body), (calendar.headers, calendar.body)])
            bodyHeaders = "Content-Type: multipart/mixed;\r\n boundary=\"\(mixed)\"\r\n"
        }
        out += Array(bodyHeaders.utf8)
        out += [0x0D, 0x0A]
        out += body
        return Data(out)
    }

    /// One leaf part: its headers (each ending CRLF) and its quoted-printable body.
    static func part(type: String, body: String, disposition: String = "") -> (String, [UInt8]) {
        let headers = "Content-Type: \(type)\r\nContent-Transfer-Encoding: quoted-printable\r\n" + disposition
        var encoded = QuotedPrintable.encode(body)
        if !encoded.isEmpty, encoded.suffix(2) != [0x0D, 0x0A] { encoded += [0x0D, 0x0A] }
        return (headers, encoded)
    }

    /// A multipart body. The boundary starts with `=_`, which quoted-printable never produces.
    static func multipart(boundary: String, parts: [(String, [UInt8])]) -> [UInt8] {
        var out: [UInt8] = Array("This is a message in MIME format.\r\n".utf8)
        for (headers, body) in parts {
            out += Array("\r\n--\(boundary)\r\n\(headers)\r\n".utf8)
            out += body
        }
        out += Array("\r\n--\(boundary)--\r\n".utf8)
        return out
    }
}

/// A leaf part ready to go into a message: its header lines (each ending CRLF) and its encoded body.
public struct MIMEPart: Sendable, Hashable {
    public var headers: String
    public var body: [UInt8]

    public init(headers: String, body: [UInt8]) { self.headers = headers; self.body = body }
}
