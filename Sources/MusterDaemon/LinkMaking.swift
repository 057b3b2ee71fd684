// The links messages carry, made by MusterLinks' signer.
import Foundation
import MusterCore
import MusterLinks

extension LinkSigner: LinkMaking {
    public func messageLinks(memberID: Int64, topic: String, eventID: Int64?, ballotID: Int64?, expires: Date?) -> MessageLinks {
        links(memberID: memberID, topic: topic, eventID: eventID, ballotID: ballotID, expires: expires)
    }

    public func markVotedURL(repID: Int64, memberID: Int64, ballotID: Int64, expires: Date) -> String? {
        markVotedLink(repID: repID, memberID: memberID, ballotID: ballotID, expires: expires)
    }
}
