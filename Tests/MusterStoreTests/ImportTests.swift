import Foundation
import GRDB
import MusterCore
import Testing
@testable import MusterStore
import MusterTestSupport

@Suite struct ImportTests {
    @Test func importsWorkplacesMembersEventsAndBallots() throws {
        // Given the fixture district imported into a fresh database
        let dir = try TemporaryDirectory()
        let store = try ImportFixtures.district(dir)
        // Then every value is stored as the contract says
        let rows = try ImportFixtures.fingerprint(store)
        #expect(rows.filter { $0.hasPrefix("workplaces") } == [
            "workplaces [id:1 name:\"Bridport Primary\" kind:\"primary\" town:\"Bridport\" staff_count:30 region:NULL]",
            "workplaces [id:2 name:\"Sherborne School, Upper\" kind:\"secondary\" town:\"Sherborne\" staff_count:90 region:NULL]",
            "workplaces [id:3 name:\"Wimborne College\" kind:\"college\" town:\"Wimborne\" staff_count:NULL region:NULL]",
        ])
        #expect(rows.filter { $0.hasPrefix("members") } == [
            "members [id:1 membership_number:\"A1\" first_name:\"Zoë\" last_name:\"O\\'Brien\" email:\"zoe.obrien@example.org\" workplace_id:1 role:\"classroom teacher\" section:\"teachers\" status:\"active\" joined_on:\"2020-09-01\" timezone:NULL email_opt_out:0]",
            "members [id:2 membership_number:\"A2\" first_name:\"Siân\" last_name:\"Nuñez\" email:\"sian@example.org\" workplace_id:2 role:\"headteacher\" section:\"leadership\" status:\"active\" joined_on:\"2019-01-15\" timezone:\"Europe/Berlin\" email_opt_out:0]",
            "members [id:3 membership_number:\"A3\" first_name:\"Łukasz\" last_name:\"Nowak\" email:NULL workplace_id:3 role:\"teaching assistant\" section:\"support staff\" status:\"lapsed\" joined_on:NULL timezone:NULL email_opt_out:1]",
            "members [id:4 membership_number:\"A4\" first_name:\"Bob\" last_name:\"Smith\" email:\"bob@example.net\" workplace_id:NULL role:\"cover supervisor\" section:\"support staff\" status:\"active\" joined_on:\"2026-11-20\" timezone:\"America/Chicago\" email_opt_out:0]",
        ])
        #expect(rows.filter { $0.hasPrefix("events") } == [
            "events [id:10 kind:\"meeting\" title:\"District meeting\" starts_at:\"2026-12-01T16:30:00Z\" ends_at:\"2026-12-01T18:00:00Z\" location:\"Hall, Dorchester\" url:NULL workplace_id:NULL description:\"Line one\\nline two\" status:\"scheduled\" timezone:NULL online:0]",
            "events [id:11 kind:\"training\" title:\"Rep training\" starts_at:\"2026-12-05T08:30:00Z\" ends_at:NULL location:\"Online\" url:\"https://example.org/t\" workplace_id:2 description:NULL status:\"scheduled\" timezone:NULL online:0]",
        ])
        #expect(rows.filter { $0.hasPrefix("ballots") } == [
            "ballots [id:5 title:\"Pay ballot\" opens_at:\"2026-11-20T08:00:00Z\" closes_at:\"2026-12-11T17:00:00Z\" turnout_threshold:0.5 url:\"https://example.org/b\"]",
            "ballots [id:6 title:\"Support staff ballot\" opens_at:\"2026-11-01T08:00:00Z\" closes_at:\"2026-11-26T12:00:00Z\" turnout_threshold:50.0 url:NULL]",
        ])
    }

    @Test func importsRepsRegistrationsAndBallotMembersByNumberOrId() throws {
        let dir = try TemporaryDirectory()
        let store = try ImportFixtures.district(dir)
        // When reps name members by number or by id, with a default role
        let reps = try importCSV(kind: .reps, path: dir.write("reps.csv", """
            membership_number,member_id,workplace_id,role
            A1,,1,workplace rep
            ,2,2,
            A2,2,2,health and safety rep
            """), store: store)
        let regs = try importCSV(kind: .registrations, path: dir.write("registrations.csv", """
            event_id,membership_number,status
            11,A1,registered
            11,A2,Cancelled
            10,A4,
            """), store: store)
        let votes = try importCSV(kind: .ballotMembers, path: dir.write("ballot-members.csv", """
            ballot_id,member_id,voted_at
            5,1,2026-11-21T10:15:00+00:00
            5,2,
            6,3,
            """), store: store)
        // Then each is stored against muster's member ids
        #expect(reps == ImportReport(kind: .reps, file: "reps.csv", rowsRead: 3, inserted: 3))
        #expect(regs == ImportReport(kind: .registrations, file: "registrations.csv", rowsRead: 3, inserted: 3))
        #expect(votes == ImportReport(kind: .ballotMembers, file: "ballot-members.csv", rowsRead: 3, inserted: 3))
        let rows = try ImportFixtures.fingerprint(store)
        #expect(rows.filter { $0.hasPrefix("reps") } == [
            "reps [member_id:1 workplace_id:1 role:\"workplace rep\"]",
            "reps [member_id:2 workplace_id:2 role:\"workplace rep\"]",
            "reps [member_id:2 workplace_id:2 role:\"health and safety rep\"]",
        ])
        #expect(rows.filter { $0.hasPrefix("registrations") } == [
            "registrations [event_id:11 member_id:1 status:\"registered\"]",
            "registrations [event_id:11 member_id:2 status:\"cancelled\"]",
            "registrations [event_id:10 member_id:4 status:\"registered\"]",
        ])
        #expect(rows.filter { $0.hasPrefix("ballot_members") } == [
            "ballot_members [ballot_id:5 member_id:1 voted_at:\"2026-11-21T10:15:00Z\"]",
            "ballot_members [ballot_id:5 member_id:2 voted_at:NULL]",
            "ballot_members [ballot_id:6 member_id:3 voted_at:NULL]",
        ])
    }

    @Test func upsertsMembersByMembershipNumberAndLeavesAbsentColumnsAlone() throws {
        // Given the district, and member A2 with a time zone
        let dir = try TemporaryDirectory()
        let store = try ImportFixtures.district(dir)
        // When a file without a timezone column changes A2's email, repeats A1 and adds A5
        let report = try importCSV(kind: .members, path: dir.write("members.csv", """
            id,membership_number,first_name,last_name,email,workplace_id,role,section,status,joined_on,email_opt_out,postcode
            99,A1,Zoë,O'Brien,zoe.obrien@example.org,1,classroom teacher,teachers,active,2020-09-01,0,DT6
            98,A2,Siân,Nuñez,sian.nunez@example.org,2,headteacher,leadership,active,2019-01-15,0,DT9
            97,A5,Ann,Lee,ann@example.org,1,SENCo,teachers,active,2026-11-22,0,BH1
            """), store: store)
        // Then A1 is unchanged, A2 updated, A5 inserted; unused columns are warned about
        #expect(report == ImportReport(
            kind: .members, file: "members.csv", rowsRead: 3, inserted: 1, updated: 1, unchanged: 1, warnings: [
                "members.csv:1: column 'id' is not used: muster numbers members itself and matches rows by membership_number",
                "members.csv:1: column 'postcode' is not used",
            ]))
        let a2 = try store.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT id, email, timezone FROM members WHERE membership_number = 'A2'")
        }
        #expect(a2?.description == "[id:2 email:\"sian.nunez@example.org\" timezone:\"Europe/Berlin\"]")
        let a5 = try store.pool.read { db in try Int64.fetchOne(db, sql: "SELECT id FROM members WHERE membership_number = 'A5'") }
        #expect(a5 == 5)
    }

    @Test func syncMarksMembersAbsentFromTheFileLeft() throws {
        let dir = try TemporaryDirectory()
        let store = try ImportFixtures.district(dir)
        // When a sync import lists only A1 and A3 (A3 lapsed stays lapsed as given)
        let report = try importCSV(kind: .members, path: dir.write("members.csv", """
            membership_number,first_name
            A1,Zoë
            A3,Łukasz
            """), store: store, sync: true)
        // Then A2 and A4 are left, and only they
        #expect(report.markedLeft == 2)
        #expect(report.unchanged == 2)
        let statuses = try store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT membership_number, status FROM members ORDER BY id").map { "\($0[0] as String)=\($0[1] as String)" }
        }
        #expect(statuses == ["A1=active", "A2=left", "A3=lapsed", "A4=left"])
        // And a second identical sync marks nobody
        let again = try importCSV(kind: .members, path: dir.file("members.csv"), store: store, sync: true)
        #expect(again.markedLeft == 0)
    }

    @Test func updatesEventsAndWarnsOfUnusualKinds() throws {
        let dir = try TemporaryDirectory()
        let store = try ImportFixtures.district(dir)
        let report = try importCSV(kind: .events, path: dir.write("events.csv", """
            id,kind,title,starts_at
            10,meeting,District meeting (moved),2026-12-02T16:30:00Z
            12,Social,End of term drinks,2026-12-18T17:00:00Z
            """), store: store)
        #expect(report == ImportReport(kind: .events, file: "events.csv", rowsRead: 2, inserted: 1, updated: 1, warnings: [
            "events.csv:3: column 'kind': \"Social\" is not one of meeting, training, induction, conference, cpd (schedules can still name it)",
        ]))
        let ten = try store.pool.read { db in try Row.fetchOne(db, sql: "SELECT title, starts_at, location FROM events WHERE id = 10") }
        #expect(ten?.description == "[title:\"District meeting (moved)\" starts_at:\"2026-12-02T16:30:00Z\" location:\"Hall, Dorchester\"]")
    }

    @Test func reportsProgressEveryThousandRows() throws {
        let dir = try TemporaryDirectory()
        let store = try Store(path: dir.file("m.sqlite"))
        var text = "membership_number,first_name\n"
        for i in 1...2500 { text += "N\(i),Name\(i)\n" }
        let seen = Counter()
        let report = try importCSV(kind: .members, path: dir.write("members.csv", text), store: store) { seen.add($0) }
        #expect(report.inserted == 2500)
        #expect(seen.values == [1000, 2000])
    }

    @Test func aReopenedDatabaseKeepsItsDataAndAppliesNoMigrationTwice() throws {
        // Given a database with data, closed
        let dir = try TemporaryDirectory()
        do { _ = try ImportFixtures.district(dir) }
        // When it is opened again
        let store = try Store(path: dir.file("m.sqlite"))
        // Then the migrations are recorded once each and the members are there
        #expect(try store.appliedMigrations() == ["v1-district", "v2-muster-state", "v3-outbox-messages", "v4-status-changes", "v5-event-changes", "v6-attention", "v7-vote-reports", "v8-report", "v9-bounces", "v10-delivery-attempts"])
        let count = try store.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM grdb_migrations")
        }
        #expect(count == 10)
        #expect(try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM members") } == 4)
    }

    @Test func fastInstantsAgreeWithISOTime() {
        for text in ["2026-11-23T09:00:00Z", "2026-03-29T01:30:00+01:00", "2024-02-29T23:59:59-05:30",
                     "1999-12-31T23:59:59.750Z", "2026-11-23t09:00:00z"] {
            #expect(ISOTime.parseInstant(text) == ISOTimeReference.parse(text), "\(text)")
        }
        #expect(ISOTime.parseInstant("2026-02-30T09:00:00Z") == nil)
        #expect(ISOTime.parseInstant("2026-11-23 09:00") == nil)
        #expect(ISOTime.parseInstant("2026-11-23T10:00:00+0100") == ISOTime.parseInstant("2026-11-23T09:00:00Z"))
        #expect(ISOTime.format(Date(timeIntervalSince1970: 1_795_424_400.9)) == "2026-11-23T09:00:00Z")
        #expect(ISOTime.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
    }
}

/// The slow, trusted parser the fast one must agree with.
enum ISOTimeReference {
    static func parse(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = text.contains(".") ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        return f.date(from: text.uppercased())
    }
}

/// Collects progress reports from a @Sendable callback.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [Int] = []
    func add(_ n: Int) { lock.lock(); seen.append(n); lock.unlock() }
    var values: [Int] { lock.lock(); defer { lock.unlock() }; return seen }
}
