import Foundation
import MusterCore
import MusterMail
import MusterTestSupport
import Testing

@Suite struct FileTransportTests {
    @Test func writesEachMessageAsIdDotEmlAndNothingElse() async throws {
        // Given a file transport into a directory that does not exist yet
        let dir = try TemporaryDirectory()
        let out = dir.file("outbox")
        let transport = FileTransport(directory: out)
        let bytes = Fixture.message().render()
        // When two messages are sent
        let results = await transport.send([
            OutgoingMessage(id: 7, sender: "organising@example.org", recipient: "ann@example.com", messageID: "<a@x>", data: bytes),
            OutgoingMessage(id: 8, sender: "organising@example.org", recipient: "bob@example.com", messageID: "<b@x>", data: Data("x".utf8)),
        ])
        // Then both are sent, and the directory holds exactly 7.eml and 8.eml with the bytes
        #expect(results == [.sent(reply: "250 written to 7.eml"), .sent(reply: "250 written to 8.eml")])
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["7.eml", "8.eml"])
        #expect(FileManager.default.contents(atPath: out + "/7.eml") == bytes)
    }

    @Test func anUnwritableDirectoryDefersWithTheReason() async throws {
        let dir = try TemporaryDirectory()
        let blocker = try dir.write("file", "not a directory")
        let results = await FileTransport(directory: blocker + "/sub").send([
            OutgoingMessage(id: 1, sender: "a@example.org", recipient: "b@example.org", messageID: "<a@x>", data: Data("x".utf8)),
        ])
        guard case .deferred(let reply, true) = results.first else { Issue.record("expected a deferral, got \(results)"); return }
        #expect(reply.hasPrefix("file transport: cannot create \(blocker)/sub"))
    }
}
