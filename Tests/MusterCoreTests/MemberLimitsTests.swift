// The per-member limits as a table: what is booked, what arrives, what the limit decides.
import Foundation
import MusterCore
import Testing

@Suite struct MemberLimitsTests {
    /// Tuesday 1 December 2026, London (GMT): 09:00 local is 09:00Z.
    private static let now = instant("2026-12-01T09:00:00Z")
    private static let zones: ZoneTable = {
        var z = ZoneTable(organisation: london)
        _ = z.index(of: "America/Chicago")  // index 1
        return z
    }()

    struct Row: Sendable, CustomTestStringConvertible {
        var name: String
        var limit = MemberLimit(day: 1, week: 4)
        /// Already sent or queued for member 1.
        var booked: [String] = []
        /// Candidates for member 1: (send at, priority, expires).
        var candidates: [(String, Priority, String)]
        var zone: Int32 = 0
        var expected: [LimitDecision]
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "a free day: it goes",
            candidates: [("2026-12-01T09:00:00Z", .normal, "2026-12-02T09:00:00Z")], expected: [.send]),
        Row(name: "already one today: a low one moves to tomorrow at the same local time",
            booked: ["2026-12-01T08:00:00Z"],
            candidates: [("2026-12-01T09:00:00Z", .low, "2026-12-05T09:00:00Z")],
            expected: [.moved(to: instant("2026-12-02T09:00:00Z"))]),
        Row(name: "already one today: high goes anyway",
            booked: ["2026-12-01T08:00:00Z"],
            candidates: [("2026-12-01T09:00:00Z", .high, "2026-12-05T09:00:00Z")], expected: [.send]),
        Row(name: "high counts: the normal one after it moves",
            candidates: [("2026-12-01T09:00:00Z", .high, "2026-12-05T09:00:00Z"),
                         ("2026-12-01T10:00:00Z", .normal, "2026-12-05T10:00:00Z")],
            expected: [.send, .moved(to: instant("2026-12-02T10:00:00Z"))]),
        Row(name: "the next free day is past its grace: skipped",
            booked: ["2026-12-01T08:00:00Z"],
            candidates: [("2026-12-01T09:00:00Z", .normal, "2026-12-02T09:00:00Z")], expected: [.skipped]),
        Row(name: "competing for one slot (both due by now): the higher priority wins",
            candidates: [("2026-12-01T08:00:00Z", .low, "2026-12-09T08:00:00Z"),
                         ("2026-12-01T08:30:00Z", .normal, "2026-12-09T08:30:00Z")],
            expected: [.moved(to: instant("2026-12-02T08:00:00Z")), .send]),
        Row(name: "same priority: the one lost soonest wins",
            candidates: [("2026-12-01T08:00:00Z", .normal, "2026-12-09T08:00:00Z"),
                         ("2026-12-01T08:30:00Z", .normal, "2026-12-01T18:00:00Z")],
            expected: [.moved(to: instant("2026-12-02T08:00:00Z")), .send]),
        Row(name: "a later one never pushes out one due earlier: first come, as the passes will see them",
            candidates: [("2026-12-01T09:00:00Z", .low, "2026-12-09T09:00:00Z"),
                         ("2026-12-01T17:00:00Z", .normal, "2026-12-09T17:00:00Z")],
            expected: [.send, .moved(to: instant("2026-12-02T17:00:00Z"))]),
        Row(name: "four this week: waits until a day leaves the seven",
            booked: ["2026-11-26T09:00:00Z", "2026-11-27T09:00:00Z", "2026-11-28T09:00:00Z", "2026-11-30T09:00:00Z"],
            candidates: [("2026-12-01T09:00:00Z", .normal, "2026-12-20T09:00:00Z")],
            expected: [.moved(to: instant("2026-12-03T09:00:00Z"))]),
        Row(name: "a message already moved to a later day counts in the spans it falls in",
            limit: MemberLimit(day: 1, week: 2),
            booked: ["2026-11-30T09:00:00Z", "2026-12-03T09:00:00Z"],
            candidates: [("2026-12-01T09:00:00Z", .normal, "2026-12-20T09:00:00Z")],
            expected: [.moved(to: instant("2026-12-07T09:00:00Z"))]),
        Row(name: "no limit on the day, only the week",
            limit: MemberLimit(day: nil, week: 2),
            candidates: [("2026-12-01T09:00:00Z", .normal, "2026-12-20T09:00:00Z"),
                         ("2026-12-01T10:00:00Z", .normal, "2026-12-20T10:00:00Z"),
                         ("2026-12-01T11:00:00Z", .normal, "2026-12-20T11:00:00Z")],
            expected: [.send, .send, .moved(to: instant("2026-12-08T11:00:00Z"))]),
        Row(name: "no limits at all: everything goes",
            limit: MemberLimit(),
            booked: ["2026-12-01T08:00:00Z"],
            candidates: [("2026-12-01T09:00:00Z", .low, "2026-12-02T09:00:00Z")], expected: [.send]),
        Row(name: "the member's own calendar day: 23:30 in Chicago is tomorrow in London",
            // 2026-12-01T05:30Z is 23:30 on 30 Nov in Chicago: a different local day from 15:00Z (09:00 on 1 Dec).
            booked: ["2026-12-01T05:30:00Z"],
            candidates: [("2026-12-01T15:00:00Z", .normal, "2026-12-02T15:00:00Z")], zone: 1, expected: [.send]),
        Row(name: "late within grace: it counts today, and moves to tomorrow at its own time",
            booked: ["2026-12-01T08:30:00Z"],
            candidates: [("2026-11-30T17:00:00Z", .normal, "2026-12-03T17:00:00Z")],
            expected: [.moved(to: instant("2026-12-02T17:00:00Z"))]),
    ]

    @Test(arguments: rows)
    func decides(_ row: Row) {
        let candidates = row.candidates.map { sendAt, priority, expires in
            LimitCandidate(member: 1, zone: row.zone, sendAt: instant(sendAt), priority: priority, expires: instant(expires))
        }
        // A second member with the same messages and nothing booked shows members never share counts.
        let other = candidates.map { var c = $0; c.member = 2; return c }
        let decided = MemberLimits.decide(
            candidates + other, booked: [1: row.booked.map(instant)], limit: row.limit, zones: Self.zones, now: Self.now)
        #expect(Array(decided.prefix(candidates.count)) == row.expected)
        let alone = MemberLimits.decide(other, booked: [:], limit: row.limit, zones: Self.zones, now: Self.now)
        #expect(Array(decided.suffix(other.count)) == alone)
    }

    @Test func aMoveAcrossTheClockChangeKeepsTheLocalTime() {
        // Saturday 24 October 2026 09:00 BST is 08:00Z; Sunday 25th 09:00 GMT is 09:00Z.
        let c = LimitCandidate(member: 1, sendAt: instant("2026-10-24T08:00:00Z"), priority: .low, expires: instant("2026-10-30T00:00:00Z"))
        let d = MemberLimits.decide([c], booked: [1: [instant("2026-10-24T07:00:00Z")]], limit: .starter,
                                    zones: Self.zones, now: instant("2026-10-24T08:00:00Z"))
        #expect(d == [.moved(to: instant("2026-10-25T09:00:00Z"))])
    }
}
