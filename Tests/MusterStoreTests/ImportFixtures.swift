// A small district in CSV, and a fingerprint of the database to prove a failed import changed nothing.
import Foundation
import GRDB
@testable import MusterStore
import MusterTestSupport

enum ImportFixtures {
    static let workplaces = """
        id,name,kind,town,staff_count
        1,Bridport Primary,primary,Bridport,30
        2,"Sherborne School, Upper",secondary,Sherborne,90
        3,Wimborne College,college,Wimborne,

        """
    static let members = """
        membership_number,first_name,last_name,email,workplace_id,role,section,status,joined_on,timezone,email_opt_out
        A1,Zoë,O'Brien,zoe.obrien@Example.ORG,1,classroom teacher,teachers,active,2020-09-01,,0
        A2,Siân,Nuñez, sian@example.org ,2,headteacher,leadership,,2019-01-15,Europe/Berlin,no
        A3,Łukasz,Nowak,,3,teaching assistant,support staff,lapsed,,,yes
        A4,Bob,Smith,bob@example.net,,cover supervisor,support staff,active,2026-11-20,America/Chicago,false

        """
    static let events = """
        id,kind,title,starts_at,ends_at,location,url,workplace_id,description
        10,meeting,District meeting,2026-12-01T16:30:00Z,2026-12-01T18:00:00Z,"Hall, Dorchester",,,"Line one
        line two"
        11,training,Rep training,2026-12-05T09:30:00+01:00,,Online,https://example.org/t,2,

        """
    static let ballots = """
        id,title,opens_at,closes_at,turnout_threshold,url
        5,Pay ballot,2026-11-20T08:00:00Z,2026-12-11T17:00:00Z,0.5,https://example.org/b
        6,Support staff ballot,2026-11-01T08:00:00Z,2026-11-26T12:00:00+00:00,50,

        """

    /// A store in `dir` with the fixtures' workplaces, members, events and ballots.
    static func district(_ dir: TemporaryDirectory) throws -> Store {
        let store = try Store(path: dir.file("m.sqlite"))
        for (kind, text) in [(ImportKind.workplaces, workplaces), (.members, members), (.events, events), (.ballots, ballots)] {
            _ = try importCSV(kind: kind, path: dir.write("\(kind.rawValue).csv", text), store: store)
        }
        return store
    }

    /// `count` more members, `B1` ... (active), for syncs that need a district of some size.
    static func addMembers(_ count: Int, store: Store, dir: TemporaryDirectory) throws {
        var text = "membership_number,first_name\n"
        for i in 1...count { text += "B\(i),Name\(i)\n" }
        _ = try importCSV(kind: .members, path: dir.write("more.csv", text), store: store)
    }

    /// Every row of the district's tables (and muster's record of status changes), as text: equal before and after means nothing changed.
    static func fingerprint(_ store: Store) throws -> [String] {
        try store.pool.read { db in
            var out: [String] = []
            for table in ["workplaces", "members", "reps", "events", "registrations", "ballots", "ballot_members",
                          "muster_status_changes"] {
                out += try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY rowid").map { "\(table) \($0)" }
            }
            return out
        }
    }

    /// Imports `text` as `name` and returns the error's text, checking that nothing changed.
    static func failure(_ kind: ImportKind, _ name: String, _ text: String, store: Store, dir: TemporaryDirectory,
                        sync: Bool = false, confirm: LeftConfirmation = .unconfirmed, now: Date = Date()) throws -> String? {
        let before = try fingerprint(store)
        let path = try dir.write(name, text)
        var message: String?
        do {
            _ = try importCSV(kind: kind, path: path, store: store, sync: sync, confirm: confirm, now: now)
        } catch let error as ImportError {
            message = error.description
        }
        let after = try fingerprint(store)
        guard before == after else { return "DATABASE CHANGED" }
        return message
    }
}
