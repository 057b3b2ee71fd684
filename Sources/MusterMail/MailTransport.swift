// The boundary between the outbox and the wire: a transport takes messages and says what became of each.
import Foundation
import MusterCore

/// One message to deliver: the outbox id (for logs and file names), the envelope, and the bytes
/// exactly as stored.
public struct OutgoingMessage: Sendable, Hashable {
    /// The outbox entry's id.
    public var id: Int64
    /// Envelope sender (`MAIL FROM`), a bare address.
    public var sender: String
    /// Envelope recipient (`RCPT TO`), a bare address: one recipient per message, always.
    public var recipient: String
    /// `<...@domain>`.
    public var messageID: String
    public var data: Data

    public init(id: Int64, sender: String, recipient: String, messageID: String, data: Data) {
        self.id = id; self.sender = sender; self.recipient = recipient; self.messageID = messageID; self.data = data
    }
}

/// Pushes messages out. `send` returns one result per message, in the batch's order; a refused
/// recipient fails only its own message, never the batch. Implementations classify results where
/// they happen (see `DeliveryResult`) and never put addresses, names or bodies into reply texts.
public protocol MailTransport: Sendable {
    func send(_ batch: [OutgoingMessage]) async -> [DeliveryResult]
}

/// Builds the transport `mail.transport` (or `MUSTER_TRANSPORT`) names: `file:DIR`, `smtp://...`
/// or `smtps://...`. A relative `file:` directory is taken from `baseDirectory`.
///
///     let transport = try makeMailTransport("file:outbox/", smtp: settings, baseDirectory: configDir)
public func makeMailTransport(
    _ spec: String, smtp: SMTPSettings = SMTPSettings(url: ""), baseDirectory: String? = nil,
    environment: [String: String] = ProcessInfo.processInfo.environment
) throws -> any MailTransport {
    if spec.hasPrefix("file:") {
        var dir = String(spec.dropFirst("file:".count))
        if dir.hasPrefix("//") { dir = String(dir.dropFirst(2)) }
        guard !dir.isEmpty else {
            throw MailConfigurationError("mail.transport: 'file:' needs a directory, e.g. file:outbox/")
        }
        if !dir.hasPrefix("/"), let base = baseDirectory {
            dir = URL(fileURLWithPath: base).appendingPathComponent(dir).path
        }
        return FileTransport(directory: dir)
    }
    if spec.hasPrefix("smtp://") || spec.hasPrefix("smtps://") {
        var s = smtp
        s.url = spec
        return try SMTPTransport(s, environment: environment)
    }
    throw MailConfigurationError(
        "mail.transport: \"\(spec)\" is not a transport; use file:DIR, smtp://host:587 or smtps://host:465")
}
