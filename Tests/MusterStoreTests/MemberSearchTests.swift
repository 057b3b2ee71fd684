// The console's member search and a member's messages, on a real SQLite file.
import Foundation
import GRDB
import MusterCore
import MusterStore
import Testing

@Suite struct MemberSearchTests {
    let d: PlanningDistrict
    let q: ConsoleQueries

    init() throws {
        d = try PlanningDistrict()
        q = ConsoleQueries(d.store)
        try d.sql("""
            INSERT INTO members(id, membership_number, first_name, last_name, email, workplace_id, status) VALUES
              (1, 'N1', 'Zebedee', 'Quill', 'zeb@example.org', 1, 'active'),
              (2, 'N2', 'Ada', 'Byron', 'ada.byron@example.net', 2, 'lapsed'),
              (3, 'N12', 'Zoë', 'Ångström', NULL, NULL, 'active'),
              (4, 'n1x', 'Adam', 'Quillfeather', 'aq@example.org', 1, 'left'),
              (5, 'X-100', 'Ｆｕｌｌ', 'Width', NULL, NULL, 'active');
            """)
    }

    func ids(_ text: String, limit: Int = ConsoleQueries.searchLimit) throws -> [Int64] {
        try q.searchMembers(text, limit: limit).matches.map(\.id)
    }

    @Test func findsByAnyPartOfTheNameNumberOrAddressIgnoringCaseAndAccents() throws {
        #expect(try ids("zeb") == [1])
        #expect(try ids("QUILL") == [1, 4])                 // by last name: Quill before Quillfeather
        #expect(try ids("zoe") == [3])                      // accents do not matter
        #expect(try ids("angstrom ZOË") == [3])             // every word must match, in any order
        #expect(try ids("ada byron") == [2])
        #expect(try ids("example.net") == [2])              // part of an address
        #expect(try ids("full") == [5])                     // full-width letters read as plain
        #expect(try ids("nobody") == [])
        #expect(try ids("   ") == [])
        #expect(try ids("#3") == [3])
        #expect(try ids("#99") == [])
    }

    @Test func anExactMembershipNumberComesFirst() throws {
        // "n1" is part of N1, N12 and n1x; N1 is the number itself, so it leads; the rest by last name
        // as read without accents (Ångström before Quillfeather).
        #expect(try ids("n1") == [1, 3, 4])
        let first = try #require(try q.searchMembers("n1").matches.first)
        #expect(first == MemberMatch(id: 1, membershipNumber: "N1", name: "Zebedee Quill", status: "active", workplace: "Westfield"))
        #expect(!String(describing: first).contains("@"))   // a match carries no address
    }

    @Test func resultsAreBoundedAndSayThatMoreMatch() throws {
        try d.sql("""
            WITH RECURSIVE n(i) AS (SELECT 100 UNION ALL SELECT i + 1 FROM n WHERE i < 139)
            INSERT INTO members(id, membership_number, first_name, last_name, status)
            SELECT i, 'S' || i, 'Sam', 'Smith', 'active' FROM n;
            """)
        let all = try q.searchMembers("smith")
        #expect(all.matches.count == ConsoleQueries.searchLimit && all.more)
        #expect(all.matches.map(\.id) == Array(100..<Int64(100 + ConsoleQueries.searchLimit)))
        let few = try q.searchMembers("smith", limit: 40)
        #expect(few.matches.count == 40 && !few.more)
    }

    @Test func wildcardsAndQuotesAreJustLetters() throws {
        try d.sql("INSERT INTO members(id, membership_number, first_name, last_name, status) VALUES (9, 'P9', 'Pat', 'O''Brien_%', 'active')")
        #expect(try ids("%") == [9])
        #expect(try ids("_") == [9])
        #expect(try ids("o'brien") == [9])
        #expect(try ids("' OR 1=1 --") == [])
    }

    @Test func aMembersMessagesCarryTheirDecodedSubjectNewestFirst() throws {
        let now = instant("2026-11-23T09:00:00Z")
        func entry(_ step: Int, _ subject: String?) -> NewOutboxEntry {
            let o = Occurrence(rule: "welcome", step: step, template: "t", topic: "welcome", memberID: 1, due: now,
                               expires: now.addingTimeInterval(3600))
            let head = subject.map { "From: a@example.org\r\nSubject: \($0)\r\nMessage-ID: <\(step)@x>\r\n\r\nHello\r\n" }
            return NewOutboxEntry(occurrence: o, recipient: "zeb@example.org", messageID: "<\(step)@x>",
                                  message: head.map { Data($0.utf8) }, suppressedReason: subject == nil ? "opted out" : nil)
        }
        let folded = HeaderEncoding.encodedWords("Bienvenue à la réunion de ce soir, Zebedee, et merci d'être venu", firstLineUsed: 9)
        try OutboxStore(d.store).enqueue([entry(1, "Hello Zebedee"), entry(2, folded.joined(separator: "\r\n ")), entry(3, nil)], now: now)
        let messages = try q.messages(member: 1)
        #expect(messages.map(\.entry.step) == [3, 2, 1])
        #expect(messages.map(\.subject) == [nil, "Bienvenue à la réunion de ce soir, Zebedee, et merci d'être venu", "Hello Zebedee"])
        #expect(folded.count > 1)
        #expect(try q.messages(member: 2).isEmpty)
    }
}
