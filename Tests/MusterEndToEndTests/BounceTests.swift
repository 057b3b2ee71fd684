// Bounces and complaints that arrive later: VERP senders on the wire, `muster bounce` acting on
// Postfix, Exchange and Gmail reports and RFC 5965 complaints, and hostile reports changing nothing.
import Foundation
import GRDB
import Logging
import MusterCore
import MusterDaemon
import MusterLinks
import MusterStore
import MusterTestSupport
import Testing

/// A district with `mail.bounce_address`, its engine signing VERP senders, and `muster bounce`.
struct BounceHarness {
    static let secret = "bounce-test-secret-0123456789-0123456789"
    static let weekBefore = instant("2030-12-04T09:00:00Z")
    static let dayBefore = instant("2030-12-10T17:00:00Z")

    let server: SMTPTestServer
    let h: TickHarness
    let signer = LinkSigner(secrets: try! LinkSecrets([BounceHarness.secret]), baseURL: nil)

    init(emails: [String], extra: String = "", smtpURL: String? = nil) throws {
        server = try SMTPTestServer()
        h = try TickHarness(smtpURL: smtpURL ?? server.url, mailExtra: "  bounce_address: bounces@example.org\n" + extra)
        try h.seedMeeting(emails: emails)
    }

    var verp: VERP { VERP(bounceAddress: MailAddress("bounces@example.org"), signer: signer) }

    func tick(_ now: Date) async throws -> PassSummary {
        var e = try h.engine()
        e.bounceSigner = signer
        return try await h.tick(now, engine: e)
    }

    /// `muster bounce FILE` (or the bytes on stdin when `stdin`), with the link secret in the environment.
    func bounce(_ bytes: [UInt8], stdin: Bool = false, now: String = "2030-12-04T12:00:00Z") throws -> (status: Int32, stdout: String, stderr: String) {
        let env = ["MUSTER_LINK_SECRET=\(Self.secret)"]
        let muster = try MusterBinary.require()
        if stdin {
            return try runProcess(env + [muster, "bounce", "--now", now, "--config", h.configPath], input: Data(bytes))
        }
        let file = try h.dir.write("report-\(UUID().uuidString).eml", "")
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return try runProcess(env + [muster, "bounce", file, "--now", now, "--config", h.configPath])
    }

    /// The message the server received for `recipient`: its envelope sender and Message-ID.
    func sent(to recipient: String) throws -> ReceivedMessage {
        try #require(try server.received().last { $0.rcptTos == [recipient] })
    }

    /// Every row of the tables a report may change, to show that one changed nothing.
    func snapshot() throws -> [String] {
        try h.strings("SELECT id || ' ' || state || ' ' || ifnull(reason, '') FROM muster_outbox ORDER BY id")
            + h.strings("SELECT kind || ' ' || ifnull(member_id, '') || ' ' || email || ' ' || topic FROM muster_suppressions ORDER BY id")
            + h.strings("SELECT kind || ' ' || outbox_id FROM muster_bounces ORDER BY id")
    }

    func unmatchedReasons() throws -> [String] {
        try h.strings("SELECT reason FROM muster_bounces_unmatched ORDER BY id")
    }
}

@Suite struct BounceTests {
    @Test func theRelaySeesADifferentVERPSenderPerMessageAndTheFromHeaderIsUnchanged() async throws {
        // Given three members and mail.bounce_address
        let b = try BounceHarness(emails: ["ann@example.org", "bo@example.org", "cy@example.org"])

        // When muster ticks a week before the meeting
        let s = try await b.tick(BounceHarness.weekBefore)

        // Then each MAIL FROM is bounces+TOKEN@example.org, a different one per message, naming its entry
        #expect(s.sent == 3)
        let got = try b.server.received()
        let senders = got.map(\.mailFrom)
        #expect(Set(senders).count == 3)
        let rows = try b.h.outbox()
        for (message, row) in zip(got, rows) {
            #expect(message.mailFrom.hasPrefix("bounces+") && message.mailFrom.hasSuffix("@example.org"))
            #expect(message.mailFrom.prefix { $0 != "@" }.utf8.count <= 64)
            let token = try #require(b.verp.token(in: message.mailFrom))
            #expect(try b.verp.verify(token: token, now: BounceHarness.weekBefore) == (row.id, row.memberID))
            let bytes = b.server.bytes(of: message)
            #expect(String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n").contains("From: Dorset NEU <organising@example.org>"))
        }
    }

    @Test func withoutABounceAddressTheSenderIsMailFrom() async throws {
        let server = try SMTPTestServer()
        let h = try TickHarness(smtpURL: server.url)
        try h.seedMeeting(emails: ["ann@example.org", "bo@example.org"])
        var e = try h.engine()
        e.bounceSigner = LinkSigner(secrets: try LinkSecrets([BounceHarness.secret]), baseURL: nil)
        _ = try await h.tick(BounceHarness.weekBefore, engine: e)
        #expect(try server.received().map(\.mailFrom) == ["organising@example.org", "organising@example.org"])
    }

    @Test func aPostfixBounceSuppressesTheAddressAndTheNextStepIsNotSentToThem() async throws {
        // Given three members who were sent the week-before message
        let b = try BounceHarness(emails: ["ann@example.org", "bo@example.org", "cy@example.org"])
        _ = try await b.tick(BounceHarness.weekBefore)
        let bo = try b.sent(to: "bo@example.org")

        // When Postfix's bounce for Bo's message arrives on stdin (an alias)
        let r = try b.bounce(BounceFixture.postfix(to: bo.mailFrom, recipient: "bo@example.org", messageID: bo.messageID!), stdin: true)

        // Then it is handled: that entry failed with the status and diagnostic, the address suppressed with them
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("permanent bounce for outbox 2: address suppressed"), "\(r.stdout)")
        let row = try #require(try b.h.outbox().first { $0.recipient == "bo@example.org" })
        #expect(row.state == "failed")
        #expect(row.reason?.hasPrefix("bounced: 5.1.1 smtp; 550 5.1.1 <bo@example.org>: Recipient address rejected") == true)
        #expect(try b.h.strings("SELECT kind || ' ' || email || ' ' || reason FROM muster_suppressions")
            == ["bounced bo@example.org bounced: 5.1.1 smtp; 550 5.1.1 <bo@example.org>: Recipient address rejected: User unknown in virtual mailbox table"])
        #expect(try b.h.strings("SELECT kind || ' ' || matched_by || ' ' || status FROM muster_bounces") == ["permanent token 5.1.1"])

        // When the day-before reminder falls due
        let next = try await b.tick(BounceHarness.dayBefore)

        // Then Bo is not mailed again
        #expect((next.sent, next.suppressed) == (2, 1))
        #expect(try b.server.received().suffix(2).map(\.rcptTos) == [["ann@example.org"], ["cy@example.org"]])
        #expect(try b.h.outbox().filter { $0.step == 2 }.map(\.reason) == [nil, "address bounced", nil])

        // And the same report read again changes nothing more
        let before = try b.snapshot()
        let again = try b.bounce(BounceFixture.postfix(to: bo.mailFrom, recipient: "bo@example.org", messageID: bo.messageID!))
        #expect(again.status == 0)
        #expect(again.stdout.contains("already recorded"), "\(again.stdout)")
        #expect(try b.snapshot() == before)
    }

    @Test func anExchangeNDRWithoutATokenMatchesByMessageIDAndItsRecipient() async throws {
        let b = try BounceHarness(emails: ["ann@example.org", "bo@contoso.com"])
        _ = try await b.tick(BounceHarness.weekBefore)
        let bo = try b.sent(to: "bo@contoso.com")

        // When an NDR comes back to the plain bounce address (a relay that rewrote the sender)
        let r = try b.bounce(BounceFixture.exchange(to: "bounces@example.org", recipient: "bo@contoso.com", messageID: bo.messageID!))

        // Then the Message-ID and the recipient it names find the entry
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try b.h.strings("SELECT kind || ' ' || matched_by || ' ' || status FROM muster_bounces") == ["permanent message_id 5.1.10"])
        #expect(try b.h.strings("SELECT email FROM muster_suppressions WHERE kind = 'bounced'") == ["bo@contoso.com"])
    }

    @Test func anAbuseComplaintUnsubscribesTheMemberFromEveryTopic() async throws {
        let b = try BounceHarness(emails: ["ann@example.org", "bo@example.org", "cy@example.org"])
        _ = try await b.tick(BounceHarness.weekBefore)
        let cy = try b.sent(to: "cy@example.org")

        // When a feedback loop reports Cy's message as spam (the recipient redacted, as Hotmail does)
        let r = try b.bounce(BounceFixture.arf(originalMailFrom: cy.mailFrom, recipient: nil, messageID: cy.messageID!))

        // Then Cy is unsubscribed from everything with the reason, and the reminder is not sent to them
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("complaint for outbox 3: member unsubscribed from every topic"), "\(r.stdout)")
        #expect(try b.h.strings("SELECT kind || ' ' || member_id || ' ' || topic || ' ' || reason FROM muster_suppressions")
            == ["unsubscribed 3 * complaint: abuse"])
        let next = try await b.tick(BounceHarness.dayBefore)
        #expect((next.sent, next.suppressed) == (2, 1))
        #expect(try b.h.outbox().filter { $0.step == 2 }.map(\.reason) == [nil, nil, "unsubscribed from everything"])
        #expect(try b.h.strings("SELECT count(*) FROM muster_bounces WHERE kind = 'complaint'") == ["1"])

        // And status counts it
        let status = try runProcess([try MusterBinary.require(), "status", "--config", b.h.configPath])
        #expect(status.stdout.contains("Bounces: 0 permanent, 0 transient; complaints: 1; kept aside unmatched: 0"), "\(status.stdout)")
    }

    @Test func threeTransientBouncesSuppressAndADeliveryInBetweenResetsTheCount() throws {
        // Given seven messages to cy@gmail.com sent a day apart (entries 1 to 7) and one still queued (8)
        let b = try BounceHarness(emails: ["cy@gmail.com"])
        let store = try b.h.store
        try BounceStoreFixture.insert(store, count: 7, memberID: 1, email: "cy@gmail.com", firstSent: instant("2030-11-01T09:00:00Z"))
        try BounceStoreFixture.insertQueued(store, id: 8, memberID: 1, email: "cy@gmail.com")
        func gmail(_ id: Int64) throws -> (status: Int32, stdout: String, stderr: String) {
            try b.bounce(BounceFixture.gmail(to: b.verp.sender(outboxID: id, memberID: 1), recipient: "cy@gmail.com",
                                             messageID: "<m\(id)@example.org>", reportID: "<gmail-\(id)@mx.google.com>"),
                         now: "2030-11-10T09:00:00Z")
        }
        // When 1 and 2 bounce soft, 3 does not, then 4 and 5 bounce soft
        for id: Int64 in [1, 2, 4, 5] {
            let r = try gmail(id)
            #expect(r.status == 0, "\(r.stderr)")
        }
        // Then only 4 and 5 count (3 was delivered after 1 and 2), and nothing is suppressed
        #expect(try b.h.strings("SELECT count(*) FROM muster_suppressions") == ["0"])
        let fifth = try gmail(6)
        // When 6 bounces soft too, Then that is 3 counting: the address is suppressed and the queued entry stopped
        #expect(fifth.stdout.contains("transient bounce for outbox 6: 3 counting, address suppressed, 1 queued stopped"), "\(fifth.stdout)")
        #expect(try b.h.strings("SELECT reason FROM muster_suppressions")
            == ["3 soft bounces in 30 days; last: 4.2.2 smtp; 452-4.2.2 The recipient's inbox is out of storage space. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp"])
        #expect(try b.h.strings("SELECT state || ' ' || reason FROM muster_outbox WHERE id = 8") == ["suppressed address bounced"])
        #expect(try b.h.strings("SELECT reason FROM muster_outbox WHERE id = 6") == [
            "soft bounce: 4.2.2 smtp; 452-4.2.2 The recipient's inbox is out of storage space. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp",
        ])
    }

    @Test func softBouncesOlderThanThirtyDaysDoNotCount() throws {
        let b = try BounceHarness(emails: ["cy@gmail.com"])
        let store = try b.h.store
        try BounceStoreFixture.insert(store, count: 3, memberID: 1, email: "cy@gmail.com", firstSent: instant("2030-09-01T09:00:00Z"))
        for (id, day) in [(1, "2030-09-02"), (2, "2030-09-20"), (3, "2030-10-15")] {
            _ = try b.bounce(BounceFixture.gmail(to: b.verp.sender(outboxID: Int64(id), memberID: 1), recipient: "cy@gmail.com",
                                                 messageID: "<m\(id)@example.org>", reportID: "<g\(id)@mx.google.com>"),
                             now: "\(day)T09:00:00Z")
        }
        // The first is more than 30 days before the third: two count
        #expect(try b.h.strings("SELECT count(*) FROM muster_suppressions") == ["0"])
    }

    @Test func hostileReportsAreKeptAsideWithTheirReasonAndChangeNothing() async throws {
        let b = try BounceHarness(emails: ["ann@example.org", "bo@example.org"])
        _ = try await b.tick(BounceHarness.weekBefore)
        let ann = try b.sent(to: "ann@example.org")
        let before = try b.snapshot()
        let otherSigner = LinkSigner(secrets: try LinkSecrets(["another-secret-0123456789-0123456789-x"]), baseURL: nil)
        let forged = VERP(bounceAddress: MailAddress("bounces@example.org"), signer: otherSigner).sender(outboxID: 1, memberID: 1)
        let otherPurpose = "bounces+" + Base32.encode(b.signer.tokenBytes(.unsubscribe(memberID: 1, topic: "*"))) + "@example.org"
        let cases: [(String, [UInt8], String)] = [
            ("forged token", BounceFixture.postfix(to: forged, recipient: "ann@example.org", messageID: "<not-ours@example.net>"),
             "unmatched: token forged; Message-ID is not one of ours"),
            ("token of another purpose", BounceFixture.postfix(to: otherPurpose, recipient: "ann@example.org", messageID: "<not-ours@example.net>"),
             "unmatched: token wrong_purpose; Message-ID is not one of ours"),
            ("an entry that does not exist", BounceFixture.postfix(to: b.verp.sender(outboxID: 999, memberID: 1), recipient: "ann@example.org", messageID: "<x@y>"),
             "unmatched: token names outbox entry 999, which does not exist; Message-ID is not one of ours"),
            ("a member who is not the entry's", BounceFixture.postfix(to: b.verp.sender(outboxID: 1, memberID: 77), recipient: "ann@example.org", messageID: "<x@y>"),
             "unmatched: token names outbox entry 1 of another member; Message-ID is not one of ours"),
            ("our Message-ID with another recipient", BounceFixture.postfix(to: "bounces@example.org", recipient: "zed@example.net", messageID: ann.messageID!),
             "unmatched: no VERP token; Message-ID is outbox entry 1's but the report does not name its recipient"),
            ("a member who does not exist", BounceFixture.postfix(to: "bounces@example.org", recipient: "nobody@example.org", messageID: "<nobody@example.org>"),
             "unmatched: no VERP token; Message-ID is not one of ours"),
            ("a MIME bomb: deep nesting", Self.nested(depth: 10_000), "MIME parts nested deeper than 8"),
            ("a MIME bomb: thousands of parts", Self.manyParts(50_000), "more than 256 MIME parts"),
            ("an out-of-office reply", Array("From: ann@example.org\nSubject: away\n\nBack Monday.\n".utf8),
             "not a delivery status or feedback report (text/plain)"),
        ]
        for (what, bytes, reason) in cases {
            let start = Date()
            let r = try b.bounce(bytes)
            #expect(r.status == 0, "\(what): \(r.stderr)")
            #expect(r.stdout.contains("kept aside"), "\(what): \(r.stdout)")
            #expect(Date().timeIntervalSince(start) < 10, "\(what)")
            #expect(try b.unmatchedReasons().last == reason, "\(what): \(r.stdout)")
        }
        #expect(try b.snapshot() == before)
        // The raw bytes are kept, the large ones cut at 1 MB with their size
        #expect(try b.h.strings("SELECT count(*) FROM muster_bounces_unmatched WHERE length(raw) > 0") == ["\(cases.count)"])
        #expect(try b.h.strings("SELECT max(length(raw)) FROM muster_bounces_unmatched") == ["\(BounceStore.maxKeptBytes)"])
    }

    @Test func notAMessageIsExitOneAndKeepsNothing() throws {
        let b = try BounceHarness(emails: ["ann@example.org"])
        let r = try b.bounce((0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 131) }, stdin: true)
        #expect(r.status == 1)
        #expect(r.stderr.contains("not a mail message"), "\(r.stderr)")
        #expect(try b.unmatchedReasons().isEmpty)
        let empty = try b.bounce([], stdin: true)
        #expect(empty.status == 1)
    }

    @Test func aTwentyMegabyteBounceIsHandledInBoundedTimeWithNonUTF8Headers() async throws {
        let b = try BounceHarness(emails: ["ann@example.org", "bo@example.org"])
        _ = try await b.tick(BounceHarness.weekBefore)
        let bo = try b.sent(to: "bo@example.org")
        // Postfix's bounce with a Latin-1 diagnostic, then the whole 20 MB message returned
        var bytes = BounceFixture.postfix(to: bo.mailFrom, recipient: "bo@example.org", messageID: bo.messageID!,
                                          diagnostic: "smtp; 550 5.1.1 utilisateur inconnu XX")
        let marker = try #require(bytes.firstRange(of: Array("XX".utf8)))
        bytes.replaceSubrange(marker, with: [0xE9, 0xFF])
        let close = try #require(bytes.firstRange(of: Array("--3F2A1C0D1E.1922000401/mx.example.org--".utf8)))
        bytes.removeSubrange(close.lowerBound...)
        bytes += Array("--3F2A1C0D1E.1922000401/mx.example.org\nContent-Type: message/rfc822\n\nSubject: big\n\n".utf8)
        bytes += Array(repeating: UInt8(ascii: "B"), count: 20 * 1024 * 1024)
        let start = Date()
        let r = try b.bounce(bytes)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Date().timeIntervalSince(start) < 20)
        #expect(try b.h.strings("SELECT status || ' ' || diagnostic FROM muster_bounces") == ["5.1.1 smtp; 550 5.1.1 utilisateur inconnu \u{E9}\u{FF}"])
    }

    static func nested(depth: Int) -> [UInt8] {
        var text = "From: a@b.c\nContent-Type: multipart/mixed; boundary=b0\n\n"
        for i in 0..<depth { text += "--b\(i)\nContent-Type: multipart/mixed; boundary=b\(i + 1)\n\n" }
        return Array(text.utf8)
    }

    static func manyParts(_ n: Int) -> [UInt8] {
        var text = "From: a@b.c\nContent-Type: multipart/report; report-type=delivery-status; boundary=x\n\n"
        text.reserveCapacity(n * 40)
        for _ in 0..<n { text += "--x\nContent-Type: text/plain\n\nno\n" }
        return Array((text + "--x--\n").utf8)
    }
}

/// Outbox rows written straight into the database, for counting tests that need many sent messages.
enum BounceStoreFixture {
    static func insert(_ store: Store, count: Int, memberID: Int64, email: String, firstSent: Date) throws {
        try store.pool.write { db in
            for i in 1...count {
                let sent = ISOTime.format(firstSent.addingTimeInterval(Double(i - 1) * 86_400))
                try db.execute(sql: """
                    INSERT INTO muster_outbox(id, dedupe_key, rule, step, member_id, state, due_at, next_attempt_at, attempts,
                        message_id, recipient, created_at, updated_at, sent_at)
                    VALUES (?, ?, 'news', 1, ?, 'sent', ?, ?, 1, ?, ?, ?, ?, ?)
                    """, arguments: [i, "news/\(i)", memberID, sent, sent, "<m\(i)@example.org>", email, sent, sent, sent])
            }
        }
    }

    static func insertQueued(_ store: Store, id: Int64, memberID: Int64, email: String) throws {
        try store.pool.write { db in
            try db.execute(sql: """
                INSERT INTO muster_outbox(id, dedupe_key, rule, step, member_id, state, due_at, next_attempt_at, attempts,
                    message_id, recipient, created_at, updated_at)
                VALUES (?, ?, 'news', 2, ?, 'queued', '2031-01-01T00:00:00Z', '2031-01-01T00:00:00Z', 0, ?, ?, '2030-11-01T00:00:00Z', '2030-11-01T00:00:00Z')
                """, arguments: [id, "news/q\(id)", memberID, "<m\(id)@example.org>", email])
        }
    }
}
