// The ISO 8601 codec: every accepted form, every refusal with its reason, round trips, Foundation's agreement.
import Foundation
import MusterCore
import Testing

@Suite struct ISOTimeTests {
    /// 2026-11-23T09:00:00Z
    let t0: TimeInterval = 1_795_424_400

    @Test func readsUTCOffsetsAndFractions() {
        let cases: [(String, TimeInterval)] = [
            ("2026-11-23T09:00:00Z", t0),
            ("2026-11-23t09:00:00z", t0),
            ("2026-11-23T10:00:00+01:00", t0),
            ("2026-11-23T10:00:00+0100", t0),
            ("2026-11-23T10:00:00+01", t0),
            ("2026-11-23T03:30:00-05:30", t0),
            ("2026-11-23T09:00:00-00:00", t0),
            ("2026-11-23T09:00:00.5Z", t0 + 0.5),
            ("2026-11-23T10:00:00.250+01:00", t0 + 0.25),
            ("2026-11-23T09:00:00.000000001Z", t0 + 1e-9),
            ("2026-11-23T09:00:00.1234567891234Z", t0 + 0.123456789),
            ("  2026-11-23T09:00:00Z\t", t0),
            ("1970-01-01T00:00:00Z", 0),
            ("1969-12-31T23:59:59Z", -1),
            ("2024-02-29T23:59:59Z", 1_709_251_199),
            ("2000-02-29T00:00:00Z", 951_782_400),
            ("0001-01-01T00:00:00Z", -62_135_596_800),
            ("9999-12-31T23:59:59Z", 253_402_300_799),
        ]
        for (text, expected) in cases {
            #expect(ISOTime.parseInstant(text) == Date(timeIntervalSince1970: expected), "\(text)")
            #expect((try? ISOTime.instant(text)) == Date(timeIntervalSince1970: expected), "\(text)")
        }
    }

    @Test func refusesMalformedTextSayingWhatIsWrong() {
        let cases: [(String, String)] = [
            ("", "it is empty"),
            ("2026-11-23", "it ends where 'T' between the date and the time should be"),
            ("2026-11-23T09:00:00", "it has no zone: end it with Z (UTC) or an offset such as +01:00"),
            ("2026-11-23 09:00:00Z", "expected 'T' between the date and the time at character 11, found a space"),
            ("2026-02-30T09:00:00Z", "February 2026 has no day 30 (it has 28)"),
            ("2026-13-01T09:00:00Z", "there is no month 13"),
            ("2026-00-01T09:00:00Z", "there is no month 0"),
            ("2026-11-23T24:00:00Z", "hour 24 is out of range (0 to 23)"),
            ("2026-11-23T09:60:00Z", "minute 60 is out of range (0 to 59)"),
            ("2026-11-23T09:00:60Z", "second 60 is out of range (0 to 59)"),
            ("2026-11-23T9:00:00Z", "expected a two-digit hour at character 13, found ':'"),
            ("26-11-23T09:00:00Z", "expected a four-digit year at character 3, found '-'"),
            ("12026-11-23T09:00:00Z", "expected '-' after the year at character 5, found '6'"),
            ("+2026-11-23T09:00:00Z", "expected a four-digit year at character 1, found '+'"),
            ("2026/11/23T09:00:00Z", "expected '-' after the year at character 5, found '/'"),
            ("2026-11-23T09:00Z", "expected ':' after the minutes at character 17, found 'Z'"),
            ("2026-11-23T09:00:00.Z", "expected digits after '.' at character 21, found 'Z'"),
            ("2026-11-23T09:00:00.", "it ends where digits after '.' should be"),
            ("2026-11-23T09:00:00Zjunk", "unexpected text after the zone, from character 21"),
            ("2026-11-23T09:00:00+01:00:00", "unexpected text after the zone, from character 26"),
            ("2026-11-23T09:00:00+25:00", "offset hour 25 is out of range (0 to 23)"),
            ("2026-11-23T09:00:00+01:60", "offset minute 60 is out of range (0 to 59)"),
            ("2026-11-23T09:00:00+1", "it ends where a two-digit offset hour should be"),
            ("2026-11-23T09:00:00+01:0", "it ends where two-digit offset minutes should be"),
            ("2026-11-23T09:00:00 UTC", "expected Z or an offset such as +01:00 at character 20, found a space"),
            ("2026-11-23T09:00:00BST", "expected Z or an offset such as +01:00 at character 20, found 'B'"),
            ("next Tuesday", "expected a four-digit year at character 1, found 'n'"),
            ("２０２６-11-23T09:00:00Z", "expected a four-digit year at character 1, found byte 0xEF"),
        ]
        for (text, reason) in cases {
            #expect(ISOTime.parseInstant(text) == nil, "\(text)")
            #expect(throws: ISOTimeError(text: text, reason: reason), "\(text)") { try ISOTime.instant(text) }
        }
        // The whole message names the text and the forms expected.
        #expect(ISOTimeError(text: "2026-02-30T09:00:00Z", reason: "February 2026 has no day 30 (it has 28)").description
            == "\"2026-02-30T09:00:00Z\" is not an ISO 8601 time with a zone such as 2026-11-23T09:00:00Z "
            + "or 2026-11-23T10:00:00+01:00: February 2026 has no day 30 (it has 28)")
    }

    @Test func writesUTCOffsetsAndFractions() {
        let d = Date(timeIntervalSince1970: t0 + 0.25)
        #expect(ISOTime.format(d) == "2026-11-23T09:00:00Z")
        #expect(ISOTime.format(Date(timeIntervalSince1970: t0 + 0.9)) == "2026-11-23T09:00:00Z")  // dropped, not rounded
        #expect(ISOTime.format(d, offset: nil, fractionDigits: 3) == "2026-11-23T09:00:00.250Z")
        #expect(ISOTime.format(d, offset: 3600, fractionDigits: 1) == "2026-11-23T10:00:00.3+01:00")
        #expect(ISOTime.format(d, offset: 0) == "2026-11-23T09:00:00+00:00")
        #expect(ISOTime.format(d, offset: -19_800) == "2026-11-23T03:30:00-05:30")
        #expect(ISOTime.format(Date(timeIntervalSince1970: t0 + 0.9996), offset: nil, fractionDigits: 3) == "2026-11-23T09:00:01.000Z")
        #expect(ISOTime.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
        #expect(ISOTime.format(Date(timeIntervalSince1970: -0.5), offset: nil, fractionDigits: 1) == "1969-12-31T23:59:59.5Z")
        // A local-mean-time offset with seconds is written to the minute, still naming the same instant.
        let lmt = ISOTime.format(Date(timeIntervalSince1970: t0), offset: -75)
        #expect(lmt == "2026-11-23T08:59:00-00:01")
        #expect(ISOTime.parseInstant(lmt) == Date(timeIntervalSince1970: t0))
        // In a zone: its offset at that instant.
        let london = TimeZone(identifier: "Europe/London")!
        #expect(ISOTime.format(Date(timeIntervalSince1970: 1_784_106_000), in: london) == "2026-07-15T10:00:00+01:00")
        #expect(ISOTime.format(Date(timeIntervalSince1970: t0), in: london) == "2026-11-23T09:00:00+00:00")
        #expect(ISOTime.format(LocalDay(year: 2026, month: 3, day: 9)) == "2026-03-09")
        #expect(LocalDay(year: 987, month: 3, day: 9).description == "0987-03-09")
    }

    @Test func everyTextWrittenReadsBackAsTheSameInstant() {
        var seed: UInt64 = 7
        func next() -> UInt64 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return seed >> 33
        }
        let offsets: [Int?] = [nil, 0, 3600, -18_000, 19_800, 50_400, -43_200, 20_700]
        for _ in 0..<5_000 {
            // Instants from 1906 to 2096, to the millisecond.
            let ms = Int64(next() % 6_000_000_000) * 1_000 + Int64(next() % 1_000) - 2_000_000_000_000
            let d = Date(timeIntervalSince1970: Double(ms) / 1_000)
            let offset = offsets[Int(next() % UInt64(offsets.count))]
            // Whole seconds: the instant to the second.
            let whole = ISOTime.format(d, offset: offset)
            #expect(ISOTime.parseInstant(whole) == Date(timeIntervalSince1970: (Double(ms) / 1_000).rounded(.down)), "\(whole)")
            // Milliseconds: the instant, and the same text again.
            let text = ISOTime.format(d, offset: offset, fractionDigits: 3)
            let back = ISOTime.parseInstant(text)
            #expect(back.map { abs($0.timeIntervalSince(d)) < 0.000_5 } == true, "\(text)")
            #expect(back.map { ISOTime.format($0, offset: offset, fractionDigits: 3) } == text)
        }
    }

    @Test func agreesWithFoundationsFormatter() {
        let plain = ISO8601DateFormatter()
        let withMillis = ISO8601DateFormatter()
        withMillis.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let inIndia = ISO8601DateFormatter()
        inIndia.timeZone = TimeZone(secondsFromGMT: 19_800)
        var seed: UInt64 = 11
        for _ in 0..<2_000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let d = Date(timeIntervalSince1970: Double(Int64(seed >> 33) % 8_000_000_000) - 2_000_000_000)
            #expect(ISOTime.format(d) == plain.string(from: d))
            #expect(ISOTime.format(d, offset: 19_800) == inIndia.string(from: d))
            #expect(ISOTime.parseInstant(plain.string(from: d)) == d)
            let precise = d.addingTimeInterval(0.125)
            #expect(ISOTime.format(precise, offset: nil, fractionDigits: 3) == withMillis.string(from: precise))
            #expect(ISOTime.parseInstant(withMillis.string(from: precise)) == precise)
        }
    }
}
