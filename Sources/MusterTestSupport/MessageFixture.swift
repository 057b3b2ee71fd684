// A message the mail, core and store tests all send: fixed sender, date and Message-ID.
import Foundation
import MusterCore

/// Fixtures shared by the message tests.
public enum Fixture {
    public static let now = ISOTime.parseInstant("2026-11-23T09:00:00Z")!
    public static let from = MailAddress("organising@example.org", name: "Dorset NEU")

    public static func message(
        to: MailAddress = MailAddress("ann@example.com", name: "Ann"), subject: String = "Welcome",
        text: String = "Hello Ann\n", html: String? = nil, invite: CalendarInvite? = nil, key: String = "welcome/1/m17/-/-/"
    ) -> MIMEMessage {
        MIMEMessage(
            from: from, replyTo: MailAddress("reply@example.org"), to: to,
            content: MessageContent(subject: subject, text: text, html: html), date: now,
            messageID: MIMEMessage.messageID(forKey: key, domain: from.domain),
            extraHeaders: MIMEMessage.listUnsubscribeHeaders(url: "https://muster.example.org/u/abc"), invite: invite)
    }

    public static func text(_ m: MIMEMessage) -> String { String(decoding: m.render(), as: UTF8.self) }

    public static func lines(_ data: Data) -> [Substring] {
        String(decoding: data, as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
    }
}
