import Foundation
import MusterCore
import MusterTestSupport
import Testing

@Suite struct MIMEMessageTests {
    @Test func rendersAPlainMessageExactly() {
        // Given a plain-text message, When it is rendered, Then the bytes are exactly these.
        let text = Fixture.text(Fixture.message())
        #expect(text == """
            From: Dorset NEU <organising@example.org>\r
            Reply-To: <reply@example.org>\r
            To: Ann <ann@example.com>\r
            Subject: Welcome\r
            Date: Mon, 23 Nov 2026 09:00:00 +0000\r
            Message-ID: <\(StableHash.hex128("welcome/1/m17/-/-/"))@example.org>\r
            MIME-Version: 1.0\r
            List-Unsubscribe: <https://muster.example.org/u/abc>\r
            List-Unsubscribe-Post: List-Unsubscribe=One-Click\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Transfer-Encoding: quoted-printable\r
            \r
            Hello Ann\r

            """)
    }

    @Test func messageIDIsStableForAKey() {
        let a = MIMEMessage.messageID(forKey: "welcome/1/m17/-/-/", domain: "example.org")
        #expect(a == MIMEMessage.messageID(forKey: "welcome/1/m17/-/-/", domain: "example.org"))
        #expect(a != MIMEMessage.messageID(forKey: "welcome/1/m18/-/-/", domain: "example.org"))
        // The value is fixed forever: changing the hash would change every Message-ID in flight.
        #expect(a == "<2a5d55852768d0700b7df827137ad474@example.org>")
        #expect(StableHash.fnv1a64(Array("a".utf8)) == 0xaf63dc4c8601ec8c)
        #expect(a.count == 1 + 32 + 1 + "example.org".count + 1)
    }

    @Test func controlCharactersInDataNeverStartAHeader() {
        // Given a hostile first name with CRLF and a Bcc line, and a subject with a bare LF
        let m = Fixture.message(to: MailAddress("ann@example.com", name: "Eve\r\nBcc: victim@example.com"),
                                subject: "Hi\nX-Evil: 1\u{0}")
        // When rendered
        let lines = Fixture.lines(m.render())
        // Then no line starts a Bcc or X-Evil header, and the name stayed in To
        #expect(!lines.contains { $0.hasPrefix("Bcc") || $0.hasPrefix("X-Evil") })
        #expect(lines.contains("To: \"Eve Bcc: victim@example.com\" <ann@example.com>"))
        #expect(lines.contains("Subject: Hi X-Evil: 1"))
    }

    @Test func nonASCIINamesAndSubjectsBecomeEncodedWords() {
        let m = Fixture.message(to: MailAddress("zoe@example.com", name: "Zoë Ñúñez"), subject: "Café meeting — bring a friend")
        let lines = Fixture.lines(m.render())
        #expect(lines.contains("To: =?utf-8?B?Wm/DqyDDkcO6w7Fleg==?= <zoe@example.com>"))
        #expect(lines.contains("Subject: =?utf-8?B?Q2Fmw6kgbWVldGluZyDigJQgYnJpbmcgYSBmcmllbmQ=?="))
    }

    @Test func longHeadersFoldUnder78AndNeverSplitACharacter() {
        let subject = String(repeating: "Grève générale à Dorset ✊ ", count: 12)
        let m = Fixture.message(subject: subject)
        let text = Fixture.text(m)
        let head = text.components(separatedBy: "\r\n\r\n")[0]
        let lines = head.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        // Unfolding and decoding the words gives the subject back (less the trailing space).
        let subjectLines = lines.drop { !$0.hasPrefix("Subject:") }.prefix { $0.hasPrefix("Subject:") || $0.hasPrefix(" ") }
        let words = subjectLines.joined().dropFirst("Subject:".count).split(separator: " ")
        let decoded = words.map { w -> String in
            let b64 = w.dropFirst("=?utf-8?B?".count).dropLast(2)
            return String(decoding: Data(base64Encoded: String(b64))!, as: UTF8.self)
        }.joined()
        #expect(decoded == subject.trimmingCharacters(in: .whitespaces) || decoded == subject)
    }

    @Test func bodyLinesAreCRLFAndShortAndLoneDotSurvivesEncoding() {
        // Given a body with bare CR, bare LF, a 5,000-character line, a lone dot and UTF-8
        let long = String(repeating: "abcdefghij", count: 500)
        let body = "one\rtwo\nthree\r\n.\n\(long)\nZoë says hi \nend"
        let data = Fixture.message(text: body).render()
        // Then every line ends in CRLF and is at most 76 octets in the body
        let raw = Array(data)
        for (i, b) in raw.enumerated() where b == 0x0A { #expect(i > 0 && raw[i - 1] == 0x0D) }
        for (i, b) in raw.enumerated() where b == 0x0D { #expect(i + 1 < raw.count && raw[i + 1] == 0x0A) }
        let bodyLines = Fixture.lines(data).drop { !$0.isEmpty }.dropFirst()
        #expect(bodyLines.allSatisfy { $0.utf8.count <= 76 })
        #expect(Array(bodyLines.prefix(4)) == ["one", "two", "three", "."])
        #expect(bodyLines.contains("Zo=C3=AB says hi=20"))
        #expect(Array(bodyLines.suffix(2)) == ["end", ""])
    }

    @Test func quotedPrintableSoftBreaksAt76AndDecodesBack() {
        let line = String(repeating: "a=", count: 60) + "é"
        let encoded = String(decoding: QuotedPrintable.encode(line), as: UTF8.self)
        let lines = encoded.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 76 })
        #expect(lines[0] == String(repeating: "a=3D", count: 18) + "a=")
        let decoded = encoded.replacingOccurrences(of: "=\r\n", with: "")
        #expect(decoded == String(repeating: "a=3D", count: 60) + "=C3=A9")
    }

    @Test func htmlMakesMultipartAlternative() {
        let text = Fixture.text(Fixture.message(html: "<p>Hello Ann</p>"))
        let boundary = "=_muster_" + StableHash.hex128(Fixture.message().messageID).prefix(20) + "_alt"
        #expect(text.contains("Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"\r\n\r\n"))
        #expect(text.contains("--\(boundary)\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nHello Ann\r\n"))
        #expect(text.contains("--\(boundary)\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>Hello Ann</p>\r\n"))
        #expect(text.hasSuffix("\r\n--\(boundary)--\r\n"))
    }

    @Test func renderedMessagesParseWithoutDefectsInPython() throws {
        // Given messages of every shape, with hostile and non-ASCII data
        let dir = try TemporaryDirectory()
        let invite = CalendarInvite(uid: "event-42@example.org", stamp: Fixture.now, start: Fixture.now.addingTimeInterval(86400),
                                    summary: "AGM; all welcome, bring \\ friends", location: "Town Hall, Room 2",
                                    description: "Line one\nLine two", url: "https://example.org/e/42")
        let messages = [
            Fixture.message(),
            Fixture.message(to: MailAddress("x@example.com", name: "Eve\r\nBcc: victim@example.com"), subject: "Zoë — ✊ " + String(repeating: "long ", count: 40)),
            Fixture.message(html: "<p>Hé</p>\n.\n", invite: invite),
            Fixture.message(text: String(repeating: "é", count: 5000) + "\n.\n", invite: invite),
            Fixture.message(to: MailAddress("q@example.com", name: "Smith, Jo \"JJ\"")),
        ]
        let paths = try messages.enumerated().map { i, m in try dir.write("\(i).eml", Fixture.text(m)) }
        // When Python's email package reads them, Then it finds no defect
        #expect(try pythonEmailDefects(paths) == "0.eml: ok\n1.eml: ok\n2.eml: ok\n3.eml: ok\n4.eml: ok\n")
    }
}

/// The Date header and the invite's UTC times, computed by arithmetic, agree with Foundation's formatter.
@Suite struct UTCFormattingTests {
    func reference(_ format: String, _ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.calendar = Calendar(identifier: .gregorian)
        f.dateFormat = format
        return f.string(from: date)
    }

    @Test func agreesWithFoundationAcrossCenturiesLeapDaysAndBefore1970() {
        var dates = [0, -1, 951_782_400, 951_868_799, 1_709_164_800, 4_102_444_799, -2_208_988_800, 1_796_000_000.75]
            .map { Date(timeIntervalSince1970: $0) }
        var seed: UInt64 = 42
        for _ in 0..<2_000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            dates.append(Date(timeIntervalSince1970: Double(Int64(seed >> 33) % 8_000_000_000) - 2_000_000_000))
        }
        for d in dates {
            #expect(MIMEMessage.dateHeader(d) == reference("EEE, dd MMM yyyy HH:mm:ss '+0000'", d))
            #expect(CalendarInvite.utc(d) == reference("yyyyMMdd'T'HHmmss'Z'", d))
        }
    }
}
