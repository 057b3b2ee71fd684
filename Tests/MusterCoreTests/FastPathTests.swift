// The byte-level fast paths of names and headers answer as the Foundation calls they skip would.
import Foundation
import Testing
@testable import MusterCore

@Suite struct FastPathTests {
    /// Names with every kind of end: ASCII, tabs, no-break and ideographic spaces, accents, nothing.
    static let names = [
        "Ann", " Ann", "Ann ", "\tAnn\t", "  ", "", "Zoë", "Zoë ", "\u{00A0}Ann", "Ann\u{3000}", "É", "a\u{0301}",
        "O'Brien", "\u{2003}", "Ann\u{00A0}", "Mary Jane", " \u{00A0} ", "Ann\n",
    ]

    @Test func fullNameIsWhatTrimmingWithFoundationGives() {
        // Given every pair of awkward first and last names
        for first in Self.names {
            for last in Self.names + [nil] as [String?] {
                // When the full name is made, Then it is the Foundation formula's
                let foundation = [first, last ?? ""].map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty }.joined(separator: " ")
                #expect(Member.fullName(first: first, last: last) == foundation, "first \(first.debugDescription) last \(String(describing: last))")
            }
        }
    }

    @Test func anEncodedWordStartIsFoundAnywhere() {
        #expect(HeaderEncoding.hasEncodedWordStart("=?utf-8?B?QQ==?="))
        #expect(HeaderEncoding.hasEncodedWordStart("Ann =?x"))
        #expect(HeaderEncoding.hasEncodedWordStart("a=?"))
        #expect(!HeaderEncoding.hasEncodedWordStart("a = ? b"))
        #expect(!HeaderEncoding.hasEncodedWordStart("?= reversed"))
        #expect(!HeaderEncoding.hasEncodedWordStart(""))
        #expect(!HeaderEncoding.hasEncodedWordStart("="))
    }

    @Test func aMailboxWithWhatLooksLikeAnEncodedWordIsEncodedItself() {
        // Given a display name that a reader's mail program would decode as an encoded word
        let line = HeaderEncoding.mailbox(name: "To", MailAddress("a@example.org", name: "=?utf-8?B?RXZl?="))
        // Then it goes out encoded, not as written
        #expect(line.hasPrefix("To: =?utf-8?B?"))
        #expect(!line.contains("RXZl?= <"))
        #expect(HeaderEncoding.mailbox(name: "To", MailAddress("a@example.org", name: "Ann Smith")) == "To: Ann Smith <a@example.org>")
    }

    @Test func extraHeaderNamesKeepOnlyASCIILettersDigitsAndHyphens() throws {
        // Given headers whose names carry spaces, a colon, non-ASCII letters and digits
        let message = MIMEMessage(
            from: MailAddress("o@example.org"), to: MailAddress("a@example.org"),
            content: MessageContent(subject: "s", text: "t"), date: Date(timeIntervalSince1970: 0),
            messageID: "<id @example.org>",
            extraHeaders: [MIMEHeader("X-Tést 1: evil", "v"), MIMEHeader("ÉÉ", "dropped"), MIMEHeader("List-Id", "l")])
        let text = String(decoding: message.render(), as: UTF8.self)
        // Then only the ASCII letters, digits and hyphens of each name are kept, and a name left empty goes
        #expect(text.contains("\r\nX-Tst1evil: v\r\n"))
        #expect(!text.contains("dropped"))
        #expect(text.contains("\r\nList-Id: l\r\n"))
        // And the Message-ID loses its space
        #expect(text.contains("\r\nMessage-ID: <id@example.org>\r\n"))
    }
}
