import Foundation
import MusterCore
import Testing
@testable import MusterStore
import MusterTestSupport

/// Bad input: each case asserts the exact message and that the database did not change.
@Suite struct ImportErrorTests {
    let dir: TemporaryDirectory
    let store: Store

    init() throws {
        dir = try TemporaryDirectory()
        store = try ImportFixtures.district(dir)
    }

    private func failure(_ kind: ImportKind, _ text: String, sync: Bool = false) throws -> String? {
        try ImportFixtures.failure(kind, "\(kind.rawValue).csv", text, store: store, dir: dir, sync: sync)
    }

    private func failure(_ kind: ImportKind, bytes: [UInt8]) throws -> String? {
        let before = try ImportFixtures.fingerprint(store)
        let path = dir.file("\(kind.rawValue).csv")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var message: String?
        do { _ = try importCSV(kind: kind, path: path, store: store) } catch let e as ImportError { message = e.description }
        return try ImportFixtures.fingerprint(store) == before ? message : "DATABASE CHANGED"
    }

    @Test func refusesAFileThatIsNotUTF8() throws {
        let bytes = Array("membership_number,first_name\nB1,Ann\nB2,Ren".utf8) + [0xE9] + Array("e\n".utf8)
        #expect(try failure(.members, bytes: bytes) == "members.csv:3: the file is not UTF-8 text (save it as \"CSV UTF-8\")")
    }

    @Test func namesAMissingRequiredColumn() throws {
        #expect(try failure(.members, "first_name,email\nAnn,ann@example.org\n")
            == "members.csv:1: missing required column 'membership_number'")
        #expect(try failure(.reps, "workplace_id\n1\n")
            == "reps.csv:1: missing required column 'membership_number' (or 'member_id')")
    }

    @Test func refusesAnUnknownWorkplaceAndStillAddsNoOtherRow() throws {
        #expect(try failure(.members, """
            membership_number,first_name,workplace_id
            B1,Ann,1
            B2,Ben,99
            """) == "members.csv:3: column 'workplace_id': there is no workplace 99 (import workplaces first)")
    }

    @Test func refusesDuplicateKeysNamingTheFirstLine() throws {
        #expect(try failure(.members, """
            membership_number,first_name
            B1,Ann
            A123,Ben
            B3,Cat
            A123,Dee
            """) == "members.csv:5: membership_number \"A123\" already appears on line 3")
        #expect(try failure(.reps, """
            membership_number,member_id,workplace_id
            A1,,1
            ,1,1
            """) == "reps.csv:3: member 1 as \"workplace rep\" at workplace 1 already appears on line 2")
    }

    @Test func refusesImpossibleDates() throws {
        #expect(try failure(.members, "membership_number,first_name,joined_on\nB1,Ann,2026-02-30\nB2,Ben,1/9/2020\n") == """
            members.csv:2: column 'joined_on': "2026-02-30" is not a date (write YYYY-MM-DD, e.g. 2026-09-01)
            members.csv:3: column 'joined_on': "1/9/2020" is not a date (write YYYY-MM-DD, e.g. 2026-09-01)
            """)
    }

    @Test func refusesTimesWithNoZoneAndEndsBeforeStarts() throws {
        #expect(try failure(.events, """
            id,kind,title,starts_at,ends_at
            20,meeting,A,2026-12-01 18:00,
            21,meeting,B,2026-12-01T18:00:00Z,2026-12-01T17:00:00Z
            """) == """
            events.csv:2: column 'starts_at': "2026-12-01 18:00" is not a time with a zone (write e.g. 2026-11-23T18:00:00Z or 2026-11-23T18:00:00+01:00)
            events.csv:3: column 'ends_at': 2026-12-01T17:00:00Z is before starts_at 2026-12-01T18:00:00Z
            """)
        #expect(try failure(.ballots, """
            id,title,opens_at,closes_at,turnout_threshold
            7,Late,2026-12-01T18:00:00Z,2026-12-01T18:00:00+01:00,150
            """) == """
            ballots.csv:2: column 'turnout_threshold': "150" is not a fraction (0 to 1) or a percentage (0 to 100)
            ballots.csv:2: column 'closes_at': 2026-12-01T17:00:00Z is not after opens_at 2026-12-01T18:00:00Z
            """)
    }

    @Test func countsLinesRightAfterAMultiLineQuotedField() throws {
        #expect(try failure(.members, """
            membership_number,first_name,last_name,email
            B1,Ann,"Smith, of
            the
            Hill",ann@example.org
            B2,Ben,Jones,bob@
            """) == "members.csv:5: column 'email': \"bob@\" is not an email address")
    }

    @Test func handlesAByteOrderMarkOnTheHeader() throws {
        // A BOM must not become part of the first column's name (which would be "missing")
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("membership_number,first_name,status\r\nB1,Ann,current\r\n".utf8)
        #expect(try failure(.members, bytes: bytes) == "members.csv:2: column 'status': \"current\" is not one of active, lapsed, left")
    }

    @Test func refusesBadEmailsStatusesFlagsAndTimeZones() throws {
        #expect(try failure(.members, """
            membership_number,first_name,email,status,timezone,email_opt_out
            B1,Ann,ann@example,active,Europe/London,0
            B2,Ben,ben@example.org,current,Europe/Londn,maybe
            B3,,cat@@example.org,left,,1
            """) == """
            members.csv:2: column 'email': "ann@example" is not an email address
            members.csv:3: column 'status': "current" is not one of active, lapsed, left
            members.csv:3: column 'timezone': "Europe/Londn" is not a known time zone (use an IANA name such as Europe/London)
            members.csv:3: column 'email_opt_out': "maybe" is not one of 0, 1, true, false, yes, no
            members.csv:4: column 'first_name': a value is required
            members.csv:4: column 'email': "cat@@example.org" is not an email address
            """)
    }

    @Test func namesTheLineOfAnUnterminatedQuote() throws {
        #expect(try failure(.members, """
            membership_number,first_name,last_name
            B1,Ann,Smith
            B2,Ben,"Jones
            B3,Cat,Brown

            """) == "members.csv:3: a quoted field that starts on this line never ends (a closing '\"' is missing)")
    }

    @Test func refusesRowsWithTooManyOrTooFewFields() throws {
        #expect(try failure(.workplaces, """
            id,name,town
            7,Lyme Regis Primary,Lyme Regis
            8,Swanage, First School,Swanage
            9,Wareham Nursery
            """) == """
            workplaces.csv:3: this row has 4 fields but the header has 3 (a value with a comma in it must be in double quotes)
            workplaces.csv:4: this row has 2 fields but the header has 3
            """)
    }

    @Test func refusesUnknownMembersEventsAndBallots() throws {
        #expect(try failure(.registrations, "event_id,membership_number\n99,A1\n10,Z9\n") == """
            registrations.csv:2: column 'event_id': there is no event 99 (import events first)
            registrations.csv:3: column 'membership_number': there is no member "Z9" (import members first)
            """)
        #expect(try failure(.ballotMembers, "ballot_id,member_id,voted_at\n5,77,\n8,1,\n5,x,\n") == """
            ballot-members.csv:2: column 'member_id': there is no member with id 77
            ballot-members.csv:3: column 'ballot_id': there is no ballot 8 (import ballots first)
            ballot-members.csv:4: column 'member_id': "x" is not a whole number (1 or more)
            """)
    }

    @Test func capsTheListAtFiftyErrors() throws {
        var text = "id,name,staff_count\n"
        for i in 1...60 { text += "\(100 + i),School \(i),many\n" }
        let message = try failure(.workplaces, text)
        let lines = message?.split(separator: "\n").map(String.init) ?? []
        #expect(lines.count == 51)
        #expect(lines.first == "workplaces.csv:2: column 'staff_count': \"many\" is not a whole number (0 or more)")
        #expect(lines.last == "... and 10 more errors")
    }

    @Test func refusesTimeZoneAbbreviationsAndAColumnNamedTwice() throws {
        #expect(try failure(.members, "membership_number,first_name,timezone\nB1,Ann,BST\nB2,Ben,GMT\n")
            == "members.csv:2: column 'timezone': \"BST\" is not a known time zone (use an IANA name such as Europe/London)")
        #expect(try failure(.members, "membership_number,first_name,Email,email \nB1,Ann,a@example.org,b@example.org\n")
            == "members.csv:1: column 'email' appears twice in the header")
    }

    @Test func refusesAnEmptyFileAndASyncOfNoMembers() throws {
        #expect(try failure(.members, "") == "members.csv:1: the file is empty: it needs a header row naming its columns")
        #expect(try failure(.members, "membership_number,first_name\n\n", sync: true)
            == "members.csv: the file has no members, and a sync would mark every member left; nothing was changed")
    }

    // MARK: Hostile and careless input (issue 18)

    @Test func refusesWebAddressesThatAreNotHTTP() throws {
        #expect(try failure(.events, """
            id,kind,title,starts_at,url
            20,meeting,A,2026-12-01T18:00:00Z,javascript:alert(document.cookie)
            21,meeting,B,2026-12-01T18:00:00Z,https://example.org/ok
            22,meeting,C,2026-12-01T18:00:00Z,JavaScript:alert(1)
            23,meeting,D,2026-12-01T18:00:00Z,https://
            """) == """
            events.csv:2: column 'url': "javascript:alert(document.cookie)" is not a web address (write one starting https:// or http://)
            events.csv:4: column 'url': "JavaScript:alert(1)" is not a web address (write one starting https:// or http://)
            events.csv:5: column 'url': "https://" is not a web address (write one starting https:// or http://)
            """)
        #expect(try failure(.ballots, """
            id,title,opens_at,closes_at,url
            7,Pay,2026-12-01T08:00:00Z,2026-12-11T17:00:00Z,"data:text/html,<script>alert(1)</script>"
            """) == """
            ballots.csv:2: column 'url': "data:text/html,<script>alert(1)</script>" is not a web address (write one starting https:// or http://)
            """)
    }

    @Test func refusesAJoinDateMoreThanAYearAhead() throws {
        let now = try #require(ISOTime.parseInstant("2026-12-01T12:00:00Z"))
        #expect(try ImportFixtures.failure(.members, "members.csv", """
            membership_number,first_name,joined_on
            B1,Ann,2027-12-01
            B2,Ben,9999-12-31
            B3,Cat,2027-12-02
            """, store: store, dir: dir, now: now) == """
            members.csv:3: column 'joined_on': "9999-12-31" is more than a year from now (the latest a member can have joined is 2027-12-01)
            members.csv:4: column 'joined_on': "2027-12-02" is more than a year from now (the latest a member can have joined is 2027-12-01)
            """)
    }

    @Test func refusesASyncThatWouldMarkMostOfTheDistrictLeftNamingTheCountToConfirm() throws {
        // Given a district of 124 members (4 + 120), none left
        try ImportFixtures.addMembers(120, store: store, dir: dir)
        let one = "membership_number,first_name\nA1,Zoë\n"
        // When a sync names one of them: 123 would be left, more than max(50, 10% of 124)
        #expect(try ImportFixtures.failure(.members, "members.csv", one, store: store, dir: dir, sync: true) == """
            members.csv: this sync would mark 123 of 124 members left; unconfirmed, a sync marks at most 50 (50 or 10% of the members, whichever is more); nothing was changed. If the file is the whole membership, run the import again with --expect-left 123 (or --yes)
            """)
        // And a count expected wrongly is refused too
        #expect(try ImportFixtures.failure(.members, "members.csv", one, store: store, dir: dir, sync: true,
                                           confirm: .expect(3)) == """
            members.csv: this sync would mark 123 of 124 members left, not the 3 that --expect-left names; nothing was changed
            """)
        // And the file's own changes are rolled back with the refusal
        #expect(try ImportFixtures.failure(.members, "members.csv", "membership_number,first_name,status\nA1,Zoë,lapsed\n",
                                           store: store, dir: dir, sync: true)?.hasPrefix("members.csv: this sync would mark 123 of 124") == true)
    }
}
