// What a console request carries beyond Hummingbird's own: the client's address, the session, the form.
import Hummingbird
import MusterLinks

/// The request context of the console's router. `ConsoleGate` fills `session` (and `form` for a POST)
/// before any page runs; a page sees a session always.
public struct ConsoleContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address, for throttling and logs (never a member's).
    public let clientAddress: String
    public var session: ConsoleSession?
    /// A POST's urlencoded fields, read (and CSRF-checked) by the gate.
    public var form: FormBody?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }
}
