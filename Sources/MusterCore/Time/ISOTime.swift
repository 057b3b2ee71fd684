// The one ISO 8601 codec: every instant muster reads or writes as text goes through here.
import Foundation

/// Reading and writing `2026-11-23T09:00:00Z`, `2026-11-23T10:00:00.250+01:00` and `2026-11-23`.
///
/// What is read (RFC 3339, with ISO 8601's shorter offsets):
///
///     YYYY-MM-DD ('T' | 't') hh:mm:ss [ '.' digits ] ( 'Z' | 'z' | ±hh:mm | ±hhmm | ±hh )
///
/// A date that does not exist (`2026-02-30`), hour 24, second 60, an offset beyond ±23:59, a
/// missing zone and anything after the zone are refused. Fractions are kept to the nanosecond
/// (what a `Date` holds of them); further digits are read and dropped.
///
/// What is written: UTC with `Z` by default, or the wall time at a given offset; whole seconds by
/// default (a fraction is dropped, as the outbox has always written), or 1 to 9 fractional digits
/// rounded to the nearest. Every text written reads back as the same instant (to the digits written).
///
/// Neither direction builds a formatter or a `Calendar`: the outbox writes several timestamps per
/// message and imports read one per row, hundreds of thousands at a time.
///
///     ISOTime.format(d)                                // 2026-11-23T09:00:00Z
///     ISOTime.format(d, offset: 3600, fractionDigits: 3) // 2026-11-23T10:00:00.000+01:00
///     try ISOTime.instant("2026-02-30T09:00:00Z")      // throws: February 2026 has no day 30
public enum ISOTime {
    // MARK: Reading

    /// The instant `text` names, or nil (a bare date, a local time with no zone, anything malformed).
    /// Spaces and tabs around it are ignored.
    public static func parseInstant(_ text: String) -> Date? {
        var s = text
        return s.withUTF8 { p in try? read(trimmed(p)) }
    }

    /// The instant `text` names, or an error saying what is wrong with it and what is expected.
    /// Spaces and tabs around it are ignored.
    public static func instant(_ text: String) throws(ISOTimeError) -> Date {
        var s = text
        let scanned = s.withUTF8 { p -> Result<Date, Failure> in
            do throws(Failure) { return .success(try read(trimmed(p))) } catch { return .failure(error) }
        }
        switch scanned {
        case .success(let d): return d
        case .failure(let f): throw ISOTimeError(text: text, reason: f.reason)
        }
    }

    /// A valid `YYYY-MM-DD` calendar date, or nil.
    public static func parseDay(_ text: String) -> LocalDay? {
        LocalDay(text)
    }

    // MARK: Writing

    /// An instant in UTC, whole seconds (a fraction is dropped): `2026-11-23T09:00:00Z`.
    public static func format(_ date: Date) -> String {
        format(date, offset: nil, fractionDigits: 0)
    }

    /// An instant as the wall clock `offset` seconds east of UTC shows it, with that offset
    /// (`+01:00`), or in UTC with `Z` when `offset` is nil. An offset is written in whole minutes:
    /// one with seconds (a zone's local mean time before 1900) is rounded to the minute and the
    /// wall time with it, so the text still names `date`.
    ///
    /// `fractionDigits` (0...9) digits of a second follow a `.`, rounded to the nearest; with 0
    /// the fraction is dropped.
    public static func format(_ date: Date, offset: Int?, fractionDigits: Int = 0) -> String {
        let digits = min(max(fractionDigits, 0), 9)
        let shift = offset.map { (($0 + ($0 >= 0 ? 30 : -30)) / 60) * 60 } ?? 0
        let t = date.timeIntervalSince1970
        var seconds = t.rounded(.down)
        var units = 0
        if digits > 0 {
            let scale = pow10[digits]
            units = Int(((t - seconds) * Double(scale)).rounded())
            if units >= scale { units -= scale; seconds += 1 }
        }
        // Beyond about ±292 billion years Int64 overflows: clamp to what four-digit years can say anyway.
        let whole = Int(max(min(seconds, 253_402_300_799), -62_167_219_200)) + shift
        var days = whole / 86_400
        var rest = whole % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        let day = LocalDay(epochDay: days)
        let length = 20 + (digits > 0 ? digits + 1 : 0) + (offset == nil ? 0 : 5)
        return String(unsafeUninitializedCapacity: length) { b in
            put4(b, 0, day.year)
            b[4] = 0x2D; put2(b, 5, day.month); b[7] = 0x2D; put2(b, 8, day.day)
            b[10] = 0x54; put2(b, 11, rest / 3600); b[13] = 0x3A; put2(b, 14, rest / 60 % 60); b[16] = 0x3A
            put2(b, 17, rest % 60)
            var i = 19
            if digits > 0 {
                b[i] = 0x2E
                var u = units
                for k in stride(from: i + digits, to: i, by: -1) { b[k] = UInt8(0x30 + u % 10); u /= 10 }
                i += digits + 1
            }
            if offset != nil {
                let a = abs(shift) / 60
                b[i] = shift < 0 ? 0x2D : 0x2B
                put2(b, i + 1, a / 60); b[i + 3] = 0x3A; put2(b, i + 4, a % 60)
                i += 6
            } else {
                b[i] = 0x5A
                i += 1
            }
            return i
        }
    }

    /// A calendar day: `2026-11-23` (years 0 to 9999).
    public static func format(_ day: LocalDay) -> String {
        String(unsafeUninitializedCapacity: 10) { b in
            put4(b, 0, day.year); b[4] = 0x2D; put2(b, 5, day.month); b[7] = 0x2D; put2(b, 8, day.day)
            return 10
        }
    }

    /// An instant as the wall clock in `zone` shows it, with the zone's offset at that instant.
    public static func format(_ date: Date, in zone: TimeZone, fractionDigits: Int = 0) -> String {
        format(date, offset: zone.secondsFromGMT(for: date), fractionDigits: fractionDigits)
    }

    // MARK: The scanner

    private static let pow10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000]

    /// Two digits (a value outside 0...99, which only a hand-built `LocalDay` can hold, is clamped).
    private static func put2(_ b: UnsafeMutableBufferPointer<UInt8>, _ at: Int, _ value: Int) {
        let v = min(max(value, 0), 99)
        b[at] = UInt8(0x30 + v / 10); b[at + 1] = UInt8(0x30 + v % 10)
    }

    /// Years 0...9999; others (which `format` never produces from a clamped instant) as 0000 or 9999.
    private static func put4(_ b: UnsafeMutableBufferPointer<UInt8>, _ at: Int, _ v: Int) {
        let y = min(max(v, 0), 9999)
        put2(b, at, y / 100); put2(b, at + 2, y % 100)
    }

    /// `p` without the spaces and tabs around it.
    private static func trimmed(_ p: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var lo = 0, hi = p.count
        while lo < hi, p[lo] == 0x20 || p[lo] == 0x09 { lo += 1 }
        while hi > lo, p[hi - 1] == 0x20 || p[hi - 1] == 0x09 { hi -= 1 }
        return lo == 0 && hi == p.count ? p : UnsafeBufferPointer(rebasing: p[lo..<hi])
    }

    /// What is wrong with a text, cheap to make: the message is built only when someone asks.
    enum Failure: Error, Equatable {
        case empty
        case endsEarly(expected: String)
        case expected(String, at: Int, found: UInt8)
        case noMonth(Int)
        case noDay(year: Int, month: Int, day: Int)
        case outOfRange(String, Int, max: Int)
        case noZone
        case trailing(at: Int)

        var reason: String {
            switch self {
            case .empty: return "it is empty"
            case .endsEarly(let what): return "it ends where \(what) should be"
            case .expected(let what, let at, let found):
                return "expected \(what) at character \(at + 1), found " + Failure.show(found)
            case .noMonth(let m): return "there is no month \(m)"
            case .noDay(let y, let m, let d):
                return "\(Failure.months[m - 1]) \(y) has no day \(d) (it has \(LocalDay.daysIn(month: m, year: y)))"
            case .outOfRange(let what, let v, let max): return "\(what) \(v) is out of range (0 to \(max))"
            case .noZone: return "it has no zone: end it with Z (UTC) or an offset such as +01:00"
            case .trailing(let at): return "unexpected text after the zone, from character \(at + 1)"
            }
        }

        static let months = [
            "January", "February", "March", "April", "May", "June",
            "July", "August", "September", "October", "November", "December",
        ]

        static func show(_ c: UInt8) -> String {
            c >= 0x21 && c < 0x7F ? "'\(Character(Unicode.Scalar(c)))'" : c == 0x20 ? "a space" : String(format: "byte 0x%02X", c)
        }
    }

    /// The instant in `p`, or what is wrong with it (a typed throw: no allocation on either path).
    static func read(_ p: UnsafeBufferPointer<UInt8>) throws(Failure) -> Date {
        let n = p.count
        guard n > 0 else { throw .empty }
        /// `count` digits at `at`, or the failure that names what was expected there.
        @inline(__always) func number(_ at: Int, _ count: Int, _ what: String) throws(Failure) -> Int {
            var v = 0
            for i in at..<(at + count) {
                guard i < n else { throw .endsEarly(expected: what) }
                let c = p[i]
                guard c >= 0x30 && c <= 0x39 else { throw .expected(what, at: i, found: c) }
                v = v * 10 + Int(c - 0x30)
            }
            return v
        }
        /// The character `c` at `at` ('T' also as 't').
        @inline(__always) func mark(_ at: Int, _ c: UInt8, _ what: String) throws(Failure) {
            guard at < n else { throw .endsEarly(expected: what) }
            guard p[at] == c || (c == 0x54 && p[at] == 0x74) else { throw .expected(what, at: at, found: p[at]) }
        }

        let year = try number(0, 4, "a four-digit year")
        try mark(4, 0x2D, "'-' after the year")
        let month = try number(5, 2, "a two-digit month")
        try mark(7, 0x2D, "'-' after the month")
        let day = try number(8, 2, "a two-digit day")
        guard (1...12).contains(month) else { throw .noMonth(month) }
        guard day >= 1, day <= LocalDay.daysIn(month: month, year: year) else {
            throw .noDay(year: year, month: month, day: day)
        }
        try mark(10, 0x54, "'T' between the date and the time")
        let hour = try number(11, 2, "a two-digit hour")
        try mark(13, 0x3A, "':' after the hour")
        let minute = try number(14, 2, "two-digit minutes")
        try mark(16, 0x3A, "':' after the minutes")
        let second = try number(17, 2, "two-digit seconds")
        guard hour <= 23 else { throw .outOfRange("hour", hour, max: 23) }
        guard minute <= 59 else { throw .outOfRange("minute", minute, max: 59) }
        guard second <= 59 else { throw .outOfRange("second", second, max: 59) }

        var i = 19
        var nanos = 0
        if i < n, p[i] == 0x2E {  // '.'
            i += 1
            let start = i
            while i < n, p[i] >= 0x30, p[i] <= 0x39 {
                if i - start < 9 { nanos = nanos * 10 + Int(p[i] - 0x30) }
                i += 1
            }
            guard i > start else {
                if i < n { throw .expected("digits after '.'", at: i, found: p[i]) }
                throw .endsEarly(expected: "digits after '.'")
            }
            if i - start < 9 { nanos *= pow10[9 - (i - start)] }
        }
        guard i < n else { throw .noZone }
        var offset = 0
        switch p[i] {
        case 0x5A, 0x7A:  // Z z
            i += 1
        case 0x2B, 0x2D:  // + -
            let sign = p[i] == 0x2B ? 1 : -1
            let oh = try number(i + 1, 2, "a two-digit offset hour")
            i += 3
            var om = 0
            if i < n {
                let colon = p[i] == 0x3A
                om = try number(colon ? i + 1 : i, 2, "two-digit offset minutes")
                i += colon ? 3 : 2
            }
            guard oh <= 23 else { throw .outOfRange("offset hour", oh, max: 23) }
            guard om <= 59 else { throw .outOfRange("offset minute", om, max: 59) }
            offset = sign * (oh * 3600 + om * 60)
        default:
            throw .expected("Z or an offset such as +01:00", at: i, found: p[i])
        }
        guard i == n else { throw .trailing(at: i) }
        let days = LocalDay(year: year, month: month, day: day).epochDay
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + Double(nanos) / 1e9)
    }
}

/// Text that is not an ISO 8601 instant: the text, what is wrong with it, and the form expected.
public struct ISOTimeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var text: String
    public var reason: String

    public init(text: String, reason: String) {
        self.text = text; self.reason = reason
    }

    public var description: String {
        "\"\(text)\" is not an ISO 8601 time with a zone such as 2026-11-23T09:00:00Z or 2026-11-23T10:00:00+01:00: \(reason)"
    }
}
