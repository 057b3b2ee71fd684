import Foundation
@testable import MusterMail
import Testing

/// The bytes of a mail transaction, without a server: reply splitting and the data's dots and line ends.
@Suite struct SMTPWireTests {
    func replies(_ chunks: [String]) throws -> [SMTPReply] {
        var reader = SMTPReplyReader()
        var out: [SMTPReply] = []
        for chunk in chunks {
            reader.feed(Array(chunk.utf8))
            while let r = try reader.next() { out.append(r) }
        }
        return out
    }

    @Test func repliesAreSplitAcrossReadsAndMultiLineRepliesAreOne() throws {
        let got = try replies(["250-smtp.example.org\r\n250-PIPE", "LINING\r\n250 HELP\r\n354 Go", " ahead\r\n", "250 2.0.0 Ok\n"])
        #expect(got == [SMTPReply(code: 250, line: "250 HELP"), SMTPReply(code: 354, line: "354 Go ahead"),
                        SMTPReply(code: 250, line: "250 2.0.0 Ok")])
        #expect(try replies(["220"]) == [])
        #expect(try replies(["221\r\n"]) == [SMTPReply(code: 221, line: "221")])
    }

    @Test func somethingThatIsNotAReplyIsRefused() {
        #expect(throws: SMTPReplyReader.Malformed.self) { try replies(["HTTP/1.1 400 Bad Request\r\n"]) }
        #expect(throws: SMTPReplyReader.Malformed.self) { try replies(["25 short\r\n"]) }
        #expect(throws: SMTPReplyReader.Malformed.self) { try replies(["250+odd\r\n"]) }
        #expect(throws: SMTPReplyReader.Malformed.self) {
            try replies([String(repeating: "250-" + String(repeating: "x", count: 100) + "\r\n", count: 700)])
        }
    }

    @Test func aLongReplyLineIsCutTo512Characters() throws {
        let got = try replies(["550 " + String(repeating: "y", count: 2000) + "\r\n"])
        #expect(got.map(\.code) == [550])
        #expect(got[0].line.count == 512)
    }

    func data(_ text: String) -> String {
        var out: [UInt8] = []
        SMTPWire.data(Data(text.utf8), into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test func linesThatStartWithADotGetOneMore() {
        #expect(data("a\r\n.\r\n..b\r\n.c\r\n") == "a\r\n..\r\n...b\r\n..c\r\n.\r\n")
        #expect(data(".first\r\nlast") == "..first\r\nlast\r\n.\r\n")
        #expect(data("") == ".\r\n")
        #expect(data("a.b\r\n") == "a.b\r\n.\r\n")
    }

    @Test func bareLineEndsBecomeCRLFSoTheDataCannotEndEarly() {
        // "\n.\n" is the smuggling sequence: it must come out as a stuffed line, not an end of data.
        #expect(data("a\n.\nMAIL FROM:<x@y>\r\n") == "a\r\n..\r\nMAIL FROM:<x@y>\r\n.\r\n")
        #expect(data("a\r.\rb") == "a\r\n..\r\nb\r\n.\r\n")
        #expect(data("a\r\n\r\nb\r\n") == "a\r\n\r\nb\r\n.\r\n")
    }

    @Test func theEnvelopeIsThreeCommands() {
        var out: [UInt8] = []
        SMTPWire.envelope(sender: "a@example.org", recipient: "b@example.com", into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n")
    }
}
