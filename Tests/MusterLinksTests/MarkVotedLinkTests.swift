// The rep's mark_voted token: what it carries, and that no other kind of token stands in for it.
import Foundation
import MusterCore
import Testing
@testable import MusterLinks

@Suite struct MarkVotedLinkTests {
    let now = LinksFixture.now
    let signer = LinkSigner(secrets: try! LinkSecrets([LinksFixture.newSecret]), baseURL: "https://links.example.org/")
    let closes = ISOTime.parseInstant("2026-12-04T17:00:00Z")!

    @Test func aMarkVotedLinkCarriesRepMemberBallotAndExpiry() throws {
        // Given rep 5's link for member 17 in ballot 3
        let link = try #require(signer.markVotedLink(repID: 5, memberID: 17, ballotID: 3, expires: LinkSigner.votedExpiry(closesAt: closes)))
        #expect(link.hasPrefix("https://links.example.org/m/"))
        // When verified, Then the same ids come back, for the rep, until a day after the close
        let t = try signer.verify(String(link.split(separator: "/").last!), as: .markVoted, now: now)
        #expect(t.action == .markVoted(repID: 5, memberID: 17, ballotID: 3))
        #expect(t.action.memberID == 5)
        #expect(t.expires == closes.addingTimeInterval(86_400))
        #expect(throws: LinkTokenError.expired) {
            try signer.verify(String(link.split(separator: "/").last!), as: .markVoted, now: closes.addingTimeInterval(86_400))
        }
    }

    @Test func noOtherTokenPassesForAMarkVotedOneNorTheOtherWayRound() {
        let own = signer.token(.voted(memberID: 17, ballotID: 3), expires: closes)
        let rep = signer.token(.markVoted(repID: 5, memberID: 17, ballotID: 3), expires: closes)
        #expect(throws: LinkTokenError.wrongPurpose) { try signer.verify(own, as: .markVoted, now: now) }
        #expect(throws: LinkTokenError.wrongPurpose) { try signer.verify(rep, as: .voted, now: now) }
        let other = LinkSigner(secrets: try! LinkSecrets([String(repeating: "another-secret-", count: 4)]), baseURL: nil)
        #expect(throws: LinkTokenError.forged) { try other.verify(rep, as: .markVoted, now: now) }
    }

    @Test func aPayloadCutShortOrWithBytesAfterIsNotRead() {
        let payload = LinkToken(action: .markVoted(repID: 5, memberID: 17, ballotID: 3), expires: closes).payload
        #expect(LinkToken(payload: payload)?.action == .markVoted(repID: 5, memberID: 17, ballotID: 3))
        #expect(LinkToken(payload: Array(payload.dropLast(2))) == nil)
        #expect(LinkToken(payload: payload + [0]) == nil)
    }
}
