// Reading bounces and complaints: the DSNs of Postfix, Exchange and Gmail, RFC 5965 reports, and hostile input.
import Foundation
@testable import MusterCore
import MusterTestSupport
import Testing

@Suite struct ReportParserTests {
    static let verp = "bounces+abcdefgh@example.org"
    static let mid = "<0f1e2d3c4b5a69788796a5b4c3d2e1f0@example.org>"

    @Test func postfixUserUnknownIsPermanentWithItsStatusAndDiagnostic() throws {
        let r = try ReportParser.parse(BounceFixture.postfix(to: Self.verp, recipient: "Ann@Example.com", messageID: Self.mid))
        let v = r.verdict
        #expect(v.bounceClass == .permanent)
        #expect(v.status == "5.1.1")
        #expect(v.recipient == "ann@example.com")
        #expect(v.diagnostic == "smtp; 550 5.1.1 <Ann@Example.com>: Recipient address rejected: User unknown in virtual mailbox table")
        #expect(r.originalMessageID == Self.mid)
        #expect(r.reportMessageID == "<20301204090001.3F2A1C0D1E@mx.example.org>")
        // Delivered-To and To of the report, X-Postfix-Sender, the returned Return-Path
        #expect(r.tokenAddresses == [Self.verp, Self.verp, Self.verp, Self.verp], "\(r)")
    }

    @Test func exchangeNDRInsideAlternativePartsIsPermanentWithItsTwoDigitDetail() throws {
        let r = try ReportParser.parse(BounceFixture.exchange(to: Self.verp, recipient: "bob@contoso.com", messageID: Self.mid))
        #expect(r.verdict.bounceClass == .permanent)
        #expect(r.verdict.status == "5.1.10")
        #expect(r.verdict.diagnostic?.hasPrefix("smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound") == true)
        #expect(r.originalMessageID == Self.mid)
        #expect(r.recipients.contains("bob@contoso.com"))
    }

    @Test func gmailDelayIsTransientAndAGmailFailureWith4xxIsToo() throws {
        let delay = try ReportParser.parse(BounceFixture.gmail(to: Self.verp, recipient: "cy@gmail.com", messageID: Self.mid))
        #expect(delay.verdict.bounceClass == .transient)
        #expect(delay.verdict.status == "4.2.2")
        #expect(delay.verdict.diagnostic?.contains("out of storage space. Please direct the recipient") == true)
        let failed = try ReportParser.parse(BounceFixture.gmail(to: Self.verp, recipient: "cy@gmail.com", messageID: Self.mid, action: "failed"))
        #expect(failed.verdict.bounceClass == .transient)
        let hard = try ReportParser.parse(BounceFixture.gmail(to: Self.verp, recipient: "cy@gmail.com", messageID: Self.mid, action: "failed", status: "5.1.1"))
        #expect(hard.verdict.bounceClass == .permanent)
    }

    @Test func statusClassesNotProseDecide() {
        func c(_ action: String, _ status: String?) -> BounceClass? {
            ReceivedReport.classify(RecipientStatus(action: action, status: status))
        }
        #expect(c("failed", "5.2.1") == .permanent)
        #expect(c("failed", "4.4.7") == .transient)
        #expect(c("failed", "5.7.26") == .transient)   // a policy refusal: about the sender, not the address
        #expect(c("delayed", "4.4.1") == .transient)
        #expect(c("delayed", nil) == .transient)
        #expect(c("delivered", "2.0.0") == nil)
        #expect(c("relayed", "2.0.0") == nil)
        #expect(c("failed", nil) == nil)
        #expect(ReportParser.statusCode("5.1.1 (bad destination mailbox)") == "5.1.1")
        #expect(ReportParser.statusCode("5.1") == nil)
        #expect(ReportParser.statusCode("550 user unknown") == nil)
        #expect(ReportParser.statusCode("6.1.1") == nil)
    }

    @Test func anAbuseReportIsAComplaintAndNotSpamIsNot() throws {
        let r = try ReportParser.parse(BounceFixture.arf(originalMailFrom: Self.verp, recipient: "dee@hotmail.com", messageID: Self.mid))
        #expect(r.verdict.bounceClass == .complaint)
        #expect(r.verdict.status == "complaint: abuse")
        #expect(r.tokenAddresses.first == Self.verp)
        #expect(r.recipients.first == "dee@hotmail.com")
        #expect(r.originalMessageID == Self.mid)
        let notSpam = try ReportParser.parse(BounceFixture.arf(originalMailFrom: Self.verp, recipient: nil, messageID: Self.mid, type: "not-spam"))
        #expect(notSpam.verdict.bounceClass == nil)
        #expect(notSpam.verdict.noAction == "feedback type not-spam is not a complaint")
    }

    @Test func whatIsNotAMessageAndWhatIsNotAReportAreTold() {
        #expect(throws: ReportParseError.notAMessage) { try ReportParser.parse([]) }
        #expect(throws: ReportParseError.notAMessage) { try ReportParser.parse(Array("hello world\nthis is text\n".utf8)) }
        #expect(throws: ReportParseError.notAMessage) { try ReportParser.parse((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }) }
        #expect(throws: ReportParseError.notAReport("text/plain")) {
            try ReportParser.parse(Array("From: a@b.c\nSubject: out of office\n\nI am away.\n".utf8))
        }
        #expect(throws: ReportParseError.notAReport("multipart/report; report-type=disposition-notification")) {
            try ReportParser.parse(Array("From: a@b.c\nContent-Type: multipart/report; report-type=disposition-notification; boundary=x\n\n--x\n\nhi\n--x--\n".utf8))
        }
    }

    @Test func deepNestingStopsAtTheLimitQuickly() throws {
        // 5,000 nested multiparts, each boundary its own
        var text = "From: a@b.c\nContent-Type: multipart/mixed; boundary=b0\n\n"
        for i in 0..<5_000 { text += "--b\(i)\nContent-Type: multipart/mixed; boundary=b\(i + 1)\n\n" }
        let start = Date()
        #expect(throws: ReportParseError.tooDeep(ReportParser.maxDepth)) { try ReportParser.parse(Array(text.utf8)) }
        #expect(Date().timeIntervalSince(start) < 2)
    }

    @Test func thousandsOfPartsStopAtTheLimitQuickly() throws {
        var text = "From: a@b.c\nContent-Type: multipart/mixed; boundary=x\n\n"
        for _ in 0..<20_000 { text += "--x\nContent-Type: text/plain\n\nno\n" }
        text += "--x--\n"
        let start = Date()
        #expect(throws: ReportParseError.tooManyParts(ReportParser.maxParts)) { try ReportParser.parse(Array(text.utf8)) }
        #expect(Date().timeIntervalSince(start) < 2)
    }

    @Test func nonUTF8HeadersAndStatusFieldsStillRead() throws {
        // A Latin-1 subject and diagnostic (0xE9 is é), a NUL and an ESC in a field
        var bytes = BounceFixture.postfix(to: Self.verp, recipient: "ann@example.com", messageID: Self.mid,
                                          diagnostic: "smtp; 550 5.1.1 utilisateur inconnu XX")
        let marker = Array("XX".utf8)
        let at = try #require(bytes.firstRange(of: marker))
        bytes.replaceSubrange(at, with: [0xE9, 0x00, 0x1B])
        let subject = try #require(bytes.firstRange(of: Array("Returned to Sender".utf8)))
        bytes.replaceSubrange(subject, with: [0xC0, 0xFF, 0xFE])
        let r = try ReportParser.parse(bytes)
        #expect(r.verdict.bounceClass == .permanent)
        #expect(r.verdict.diagnostic == "smtp; 550 5.1.1 utilisateur inconnu \u{E9}")
    }

    @Test func aTwentyMegabyteBounceReadsFromItsFirstMegabytes() throws {
        // The status part first, then 20 MB of a returned attachment with no closing boundary
        var bytes = BounceFixture.postfix(to: Self.verp, recipient: "ann@example.com", messageID: Self.mid)
        let close = try #require(bytes.lastRange(of: Array("--3F2A1C0D1E.1922000401/mx.example.org--".utf8)))
        bytes.removeSubrange(close.lowerBound...)
        bytes += Array(repeating: UInt8(ascii: "A"), count: 20 * 1024 * 1024)
        let start = Date()
        let r = try ReportParser.parse(bytes)
        #expect(r.verdict.bounceClass == .permanent)
        #expect(Date().timeIntervalSince(start) < 5)
    }
}

extension Array where Element == UInt8 {
    func lastRange(of needle: [UInt8]) -> Range<Int>? {
        guard needle.count <= count else { return nil }
        for i in stride(from: count - needle.count, through: 0, by: -1) where self[i..<(i + needle.count)].elementsEqual(needle) {
            return i..<(i + needle.count)
        }
        return nil
    }
}
