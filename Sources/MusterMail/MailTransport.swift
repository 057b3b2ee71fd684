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

/// Settles one message: called by a transport with the message's index in the batch and its
/// result as soon as that result is final. It returns once the result is durable; a transport
/// starts no other message on the same connection before it has returned, so a crash can repeat
/// at most the one message per connection whose final reply was not yet recorded (the RFC 1047
/// window). It throws when the result could not be recorded; the transport then stops taking
/// messages, and the ones not settled stay as they were (see `Engine`).
public typealias Settle = @Sendable (_ index: Int, _ result: DeliveryResult) throws -> Void

/// Pushes messages out. A refused recipient fails only its own message, never the batch.
/// Implementations classify results where they happen (see `DeliveryResult`) and never put
/// addresses, names or bodies into reply texts.
public protocol MailTransport: Sendable {
    /// Delivers `batch`, calling `settle` once for each message attempted, as soon as its result is
    /// final and before the next message goes out on that connection. Returns when every worker has
    /// stopped: each message was settled, or was never attempted because `settle` threw.
    func send(_ batch: [OutgoingMessage], settle: @escaping Settle) async
}

extension MailTransport {
    /// Delivers `batch` and returns one result per message, in the batch's order (for callers that
    /// record nothing per message: `send-test`, the transport tests).
    public func send(_ batch: [OutgoingMessage]) async -> [DeliveryResult] {
        let results = ResultSlots(count: batch.count)
        await send(batch) { i, r in results.set(i, r) }
        return results.values
    }
}

/// Results gathered from the workers of one `send`.
final class ResultSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [DeliveryResult?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ r: DeliveryResult) { lock.withLock { slots[i] = r } }

    var values: [DeliveryResult] {
        lock.withLock { slots.map { $0 ?? .deferred(reply: "not attempted", transportDown: true) } }
    }
}

/// Builds the transport a spec names: `file:DIR`, `smtp://...` or `smtps://...`, read by
/// `Config.parseTransport` as muster.yaml's `mail.transport` is. A relative `file:` directory
/// is taken from `baseDirectory` (else the current directory).
///
///     let transport = try makeMailTransport("file:outbox/", smtp: settings, baseDirectory: configDir)
public func makeMailTransport(
    _ spec: String, smtp: SMTPSettings = SMTPSettings(url: ""), baseDirectory: String? = nil,
    environment: [String: String] = ProcessInfo.processInfo.environment
) throws -> any MailTransport {
    if TransportSpec.hasCredentials(spec) { throw MailConfigurationError(TransportSpec.credentialsRefusal(spec)) }
    let base = URL(fileURLWithPath: baseDirectory ?? FileManager.default.currentDirectoryPath, isDirectory: true)
    guard let transport = Config.parseTransport(spec, base: base) else {
        if spec.hasPrefix("file:") {
            throw MailConfigurationError("mail.transport: 'file:' needs a directory, e.g. file:outbox/")
        }
        throw MailConfigurationError(
            "mail.transport: \"\(TransportSpec.redacted(spec))\" is not a transport; use file:DIR, smtp://host:587 or smtps://host:465")
    }
    return try makeMailTransport(transport, smtp: smtp, environment: environment)
}

/// Builds the transport `transport` names, with `smtp` for an SMTP relay (its `url` is set from the
/// transport). Credentials are read from `environment` here, once.
public func makeMailTransport(
    _ transport: Transport, smtp: SMTPSettings = SMTPSettings(url: ""),
    environment: [String: String] = ProcessInfo.processInfo.environment
) throws -> any MailTransport {
    switch transport {
    case let .file(directory):
        return FileTransport(directory: directory)
    case let .smtp(url, _):
        var s = smtp
        s.url = url
        return try SMTPTransport(s, environment: environment)
    }
}
