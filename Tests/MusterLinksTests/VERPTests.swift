// VERP envelope senders: one per outbox entry, signed for bounces only, within the 64-octet local part.
import Foundation
import MusterCore
@testable import MusterLinks
import Testing

@Suite struct VERPTests {
    let signer = LinkSigner(secrets: try! LinkSecrets([LinksFixture.newSecret]), baseURL: nil)
    var verp: VERP { VERP(bounceAddress: MailAddress("Bounces@Example.org"), signer: signer) }
    let now = Date(timeIntervalSince1970: 1_900_000_000)

    @Test func eachEntryGetsItsOwnAddressThatReadsBack() throws {
        let a = verp.sender(outboxID: 4200, memberID: 17)
        let b = verp.sender(outboxID: 4201, memberID: 17)
        #expect(a != b)
        #expect(a.hasPrefix("Bounces+"))
        #expect(a.hasSuffix("@example.org"))
        #expect(MailAddress.isPlausible(a))
        let token = try #require(verp.token(in: a))
        #expect(try verp.verify(token: token, now: now) == (4200, 17))
        // A relay or mailbox that changes the case of the local part changes nothing
        let shouted = try #require(verp.token(in: "<" + a.uppercased() + ">"))
        #expect(try verp.verify(token: shouted, now: now) == (4200, 17))
    }

    @Test func theLocalPartStaysWithin64OctetsForLargeIDs() {
        let long = VERP(bounceAddress: MailAddress("bounces-dorset-neu@example.org"), signer: signer)   // 18 characters
        let a = long.sender(outboxID: (1 << 35) - 1, memberID: (1 << 21) - 1)
        #expect(a.prefix { $0 != "@" }.utf8.count <= 64)
        #expect(a != long.plain)
        // Beyond any real district: the plain address rather than an illegal one
        #expect(long.sender(outboxID: .max, memberID: .max) == long.plain)
    }

    @Test func forgedTamperedAndOtherPurposeTokensAreRefusedWithTheirReason() throws {
        let token = try #require(verp.token(in: verp.sender(outboxID: 42, memberID: 7)))
        // Signed with another secret
        let other = VERP(bounceAddress: MailAddress("bounces@example.org"),
                         signer: LinkSigner(secrets: try LinkSecrets(["x-other-secret-0123456789-0123456789"]), baseURL: nil))
        let foreign = try #require(other.token(in: other.sender(outboxID: 42, memberID: 7)))
        #expect(throws: LinkTokenError.forged) { try verp.verify(token: foreign, now: now) }
        // One character changed
        var chars = Array(token)
        chars[5] = chars[5] == "a" ? "b" : "a"
        #expect(throws: LinkTokenError.forged) { try verp.verify(token: String(chars), now: now) }
        // An unsubscribe link's bytes, written as a VERP token
        let unsubscribe = Base32.encode(signer.tokenBytes(.unsubscribe(memberID: 7, topic: "*")))
        #expect(throws: LinkTokenError.wrongPurpose) { try verp.verify(token: unsubscribe, now: now) }
        // And a bounce token is no link
        let asLink = Base64URL.encode(try #require(Base32.decode(token)))
        #expect(throws: LinkTokenError.wrongPurpose) { try signer.verify(asLink, as: .unsubscribe, now: now) }
        // Not base32, too long, empty
        #expect(throws: LinkTokenError.malformed) { try verp.verify(token: "not-base32!", now: now) }
        #expect(throws: LinkTokenError.malformed) { try verp.verify(token: String(repeating: "a", count: 500), now: now) }
        #expect(verp.token(in: "bounces+@example.org") == nil)
        #expect(verp.token(in: "bounces+abc@example.net") == nil)
        #expect(verp.token(in: "someone+abc@example.org") == nil)
    }

    @Test func base32RoundTripsAndRefusesOtherCharacters() {
        for n in 0..<40 {
            let bytes: [UInt8] = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let text = Base32.encode(bytes)
            #expect(text == text.lowercased())
            #expect(Base32.decode(text) == bytes)
            #expect(Base32.decode(text.uppercased()) == bytes)
        }
        #expect(Base32.encode(Array("foobar".utf8)) == "mzxw6ytboi")   // RFC 4648 10, lowercased, no padding
        #expect(Base32.decode("mzxw6ytboi=") == nil)
        #expect(Base32.decode("mzxw6ytboj") == nil)   // trailing bits not zero
    }
}
