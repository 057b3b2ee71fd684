import Foundation
import MusterCore
import MusterStore
import MusterTestSupport
import Testing

@Suite struct DeliveryJournalTests {
    let t0 = ISOTime.parseInstant("2026-11-23T09:00:00Z")!
    let dir: TemporaryDirectory
    let store: Store
    let outbox: OutboxStore

    init() throws {
        dir = try TemporaryDirectory()
        store = try Store(path: dir.file("muster.sqlite"))
        outbox = OutboxStore(store)
    }

    func enqueue(_ members: ClosedRange<Int64>) throws {
        let drafts = members.map { member -> NewOutboxEntry in
            let o = Occurrence(rule: "welcome", step: 1, template: "welcome-1", topic: "welcome", memberID: member,
                               due: t0, expires: t0.addingTimeInterval(86_400))
            let m = Fixture.message(to: MailAddress("m\(member)@example.com"), key: o.dedupeKey)
            return NewOutboxEntry(occurrence: o, recipient: "m\(member)@example.com", messageID: m.messageID, message: m.render())
        }
        try outbox.enqueue(drafts, now: t0)
    }

    @Test func recordsReadBackAsWrittenAndATornLastLineIsLeftOut() throws {
        let journal = try DeliveryJournal(databasePath: store.path)
        let written: [DeliveryJournal.Record] = [
            .init(id: 1, now: t0, result: .sent(reply: "250 2.0.0 Ok: queued as 4F2")),
            .init(id: 2, now: t0, result: .deferred(reply: "451-4.7.1 Greylisted\r\n451 4.7.1 try 100% later", transportDown: false)),
            .init(id: 3, now: t0.addingTimeInterval(0.25), result: .deferred(reply: "connection refused", transportDown: true)),
            .init(id: 4, now: t0, result: .failed(reply: "550 5.1.1 <address>: unknown", unknownUser: true)),
            .init(id: 5, now: t0, result: .failed(reply: "554 no %0A here", unknownUser: false)),
        ]
        for r in written { try journal.append(r) }
        // A power cut mid-line: the last line has no end and another is not a record at all.
        let handle = try #require(FileHandle(forWritingAtPath: journal.path))
        handle.seekToEndOfFile()
        handle.write(Data("v1 9 12 S 0 250 partial\nnot a record\nv1 7 1 S 0 250 cut".utf8))
        try handle.close()
        let read = try DeliveryJournal.records(at: journal.path)
        #expect(read == written + [.init(id: 9, now: Date(timeIntervalSince1970: 0.012), result: .sent(reply: "250 partial"))])
        var info = stat()
        #expect(stat(journal.path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        try journal.clear()
        #expect(try DeliveryJournal.records(at: journal.path).isEmpty)
    }

    @Test func replayRecordsOnlyWhatIsStillSendingWithTheSendingPassesNow() throws {
        try enqueue(1...4)
        let claimed = try outbox.claimDue(now: t0, limit: 10)
        #expect(claimed.count == 4)
        // Entry 1's reply was folded before the crash; 2, 3 and 4 were journaled only.
        try outbox.record([(claimed[0].id, .sent(reply: "250 folded"))], now: t0)
        let later = t0.addingTimeInterval(3_600)
        let n = try outbox.replay([
            .init(id: claimed[0].id, now: t0, result: .deferred(reply: "451 stale")),
            .init(id: claimed[1].id, now: t0, result: .sent(reply: "250 journaled")),
            .init(id: claimed[2].id, now: t0, result: .deferred(reply: "451 4.7.1 later")),
            .init(id: 999, now: t0, result: .sent(reply: "250 unknown id")),
        ])
        #expect(n == 2)
        #expect(try outbox.entry(id: claimed[0].id)?.lastReply == "250 folded")
        let sent = try #require(try outbox.entry(id: claimed[1].id))
        #expect(sent.state == .sent && sent.sentAt == t0 && sent.attempts == 1)
        let deferred = try #require(try outbox.entry(id: claimed[2].id))
        #expect(deferred.state == .queued && deferred.attempts == 1 && deferred.nextAttemptAt == t0.addingTimeInterval(60))
        // Entry 4 had no reply anywhere: recover puts it back in the queue, the only repeat.
        #expect(try outbox.recoverInFlight(now: later) == 1)
        #expect(try outbox.entry(id: claimed[3].id)?.state == .queued)
    }
}
