// The envelope sender (MAIL FROM) of each message: mail.from, or a VERP address of mail.bounce_address.
import Foundation
import MusterCore
import MusterLinks

/// Whose address bounces go to. With `mail.bounce_address` and a signer, every message gets its
/// own `bounces+TOKEN@domain` (`VERP`), so a bounce names its outbox entry; else `mail.from`.
/// The From header is never changed.
public struct Envelope: Sendable {
    public let from: String
    public let verp: VERP?

    public init(config: Config, signer: LinkSigner?) {
        from = config.mail.from.address
        verp = config.mail.bounces.address.flatMap { a in signer.map { VERP(bounceAddress: a, signer: $0) } }
    }

    public func sender(outboxID: Int64, memberID: Int64) -> String {
        verp?.sender(outboxID: outboxID, memberID: memberID) ?? from
    }

    /// What `muster preview` says of the envelope sender of a message not yet queued.
    public var previewNote: String {
        guard let verp else { return "envelope sender (MAIL FROM): \(from)" }
        return "envelope sender (MAIL FROM): \(verp.local)+TOKEN@\(verp.domain) "
            + "(TOKEN: the outbox entry's id and the member's, signed; made when the message is queued)"
    }
}
