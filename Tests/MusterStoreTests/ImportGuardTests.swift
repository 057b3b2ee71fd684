import Foundation
import GRDB
import Testing
@testable import MusterStore
import MusterTestSupport

/// What guards the district against a careless file: the sync limit, the record of status changes,
/// one warning for many unused columns, zone names.
@Suite struct ImportGuardTests {
    let dir: TemporaryDirectory
    let store: Store
    let now = Date(timeIntervalSince1970: 1_796_126_400)  // 2026-12-01T12:00:00Z

    init() throws {
        dir = try TemporaryDirectory()
        store = try ImportFixtures.district(dir)
    }

    private func statuses() throws -> [String] {
        try store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT membership_number, status FROM members ORDER BY id").map { "\($0[0] as String)=\($0[1] as String)" }
        }
    }

    @Test func theSyncLimitIsFiftyOrATenthWhicheverIsMore() {
        #expect(SyncLimit.allowed(notLeft: 4) == 50)
        #expect(SyncLimit.allowed(notLeft: 500) == 50)
        #expect(SyncLimit.allowed(notLeft: 1413) == 141)
        #expect(SyncLimit.refusal(file: "m.csv", marking: 50, notLeft: 60, confirmation: .unconfirmed) == nil)
        #expect(SyncLimit.refusal(file: "m.csv", marking: 51, notLeft: 60, confirmation: .unconfirmed) != nil)
        #expect(SyncLimit.refusal(file: "m.csv", marking: 141, notLeft: 1413, confirmation: .unconfirmed) == nil)
        #expect(SyncLimit.refusal(file: "m.csv", marking: 142, notLeft: 1413, confirmation: .unconfirmed) != nil)
        #expect(SyncLimit.refusal(file: "m.csv", marking: 1412, notLeft: 1413, confirmation: .expect(1412)) == nil)
        #expect(SyncLimit.refusal(file: "m.csv", marking: 2, notLeft: 1413, confirmation: .expect(1)) != nil)
        #expect(SyncLimit.refusal(file: "m.csv", marking: 1412, notLeft: 1413, confirmation: .yes) == nil)
    }

    @Test func aConfirmedSyncMarksThemLeftAndRecordsEachChangeSoThatItCanBeUndone() throws {
        // Given 124 members, A3 lapsed and the rest active
        try ImportFixtures.addMembers(120, store: store, dir: dir)
        let before = try statuses()
        // When a sync of one row is confirmed with the count it names
        let report = try importCSV(kind: .members, path: dir.write("members.csv", "membership_number,first_name\nA1,Zoë\n"),
                                   store: store, sync: true, confirm: .expect(123), now: now)
        // Then 123 are left, each change recorded with what it was before
        #expect(report.markedLeft == 123)
        let changes = try store.statusChanges()
        #expect(changes.count == 123)
        #expect(changes.first == StatusChange(memberID: 2, from: "active", to: "left", at: "2026-12-01T12:00:00Z", source: "sync members.csv"))
        #expect(changes.first { $0.memberID == 3 }?.from == "lapsed")
        #expect(Set(changes.map(\.source)) == ["sync members.csv"])
        // And the record is enough to put every status back as it was
        try store.pool.write { db in
            for c in changes.reversed() {
                try db.execute(sql: "UPDATE members SET status = ? WHERE id = ?", arguments: [c.from, c.memberID])
            }
        }
        #expect(try statuses() == before)
    }

    @Test func yesConfirmsASyncOfAnySize() throws {
        try ImportFixtures.addMembers(120, store: store, dir: dir)
        let report = try importCSV(kind: .members, path: dir.write("members.csv", "membership_number,first_name\nA1,Zoë\n"),
                                   store: store, sync: true, confirm: .yes, now: now)
        #expect(report.markedLeft == 123)
    }

    @Test func aStatusColumnChangeIsRecordedAndAnUnchangedOrNewRowIsNot() throws {
        let file = try dir.write("members.csv", "membership_number,first_name,status\nA1,Zoë,lapsed\nA3,Łukasz,lapsed\nN1,Neve,active\n")
        let report = try importCSV(kind: .members, path: file, store: store, now: now)
        #expect(report.updated == 1 && report.unchanged == 1 && report.inserted == 1)
        #expect(try store.statusChanges() == [
            StatusChange(memberID: 1, from: "active", to: "lapsed", at: "2026-12-01T12:00:00Z", source: "import members.csv"),
        ])
        // An empty status cell means active: that is a change too
        _ = try importCSV(kind: .members, path: dir.write("members.csv", "membership_number,first_name,status\nA1,Zoë,\n"),
                          store: store, now: now.addingTimeInterval(60))
        #expect(try store.statusChanges(member: 1).map(\.description) == [
            "member 1 active -> lapsed at 2026-12-01T12:00:00Z by \"import members.csv\"",
            "member 1 lapsed -> active at 2026-12-01T12:01:00Z by \"import members.csv\"",
        ])
    }

    @Test func manyUnusedColumnsMakeOneWarningLineWithTheCountAndTheFirstNames() throws {
        var header = "membership_number,first_name"
        var row = "C1,Cat"
        for i in 1...100_000 { header += ",x\(i)"; row += "," }
        let report = try importCSV(kind: .members, path: dir.write("members.csv", header + "\n" + row + "\n"), store: store, now: now)
        #expect(report.inserted == 1)
        #expect(report.warnings == ["members.csv:1: 100000 columns are not used: 'x1', 'x2', 'x3', 'x4', 'x5' and 99995 more"])
        // A few are still named one a line
        let few = try importCSV(kind: .members, path: dir.write("few.csv", "membership_number,first_name,postcode,id\nC1,Cat,DT1,7\n"),
                                store: store, now: now)
        #expect(few.warnings == [
            "few.csv:1: column 'id' is not used: muster numbers members itself and matches rows by membership_number",
            "few.csv:1: column 'postcode' is not used",
        ])
    }

    @Test func takesIANAZoneNamesFoundationDoesNotListButNoAbbreviations() throws {
        let report = try importCSV(kind: .members, path: dir.write("members.csv", """
            membership_number,first_name,timezone
            Z1,Ann,EST5EDT
            Z2,Ben,Etc/GMT+5
            Z3,Cat,US/Eastern
            Z4,Dee,UTC
            """), store: store, now: now)
        #expect(report.inserted == 4)
        for bad in ["PST", "EST", "Europe/Londn", "../../etc/passwd", "posixrules"] {
            #expect(try ImportFixtures.failure(.members, "members.csv", "membership_number,first_name,timezone\nZ9,Eve,\(bad)\n",
                                               store: store, dir: dir)
                == "members.csv:2: column 'timezone': \"\(bad)\" is not a known time zone (use an IANA name such as Europe/London)")
        }
    }
}
