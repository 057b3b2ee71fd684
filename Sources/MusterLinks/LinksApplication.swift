// The links listener as a Hummingbird application: what `muster run` serves beside the scheduler.
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import MusterCore
import MusterStore

/// Builds the HTTP application for the links. It is a ServiceLifecycle `Service`: run it in the daemon's
/// `ServiceGroup` (it stops on graceful shutdown), or alone with `runService()`.
///
/// ```swift
/// let signer = try LinkSigner(config: config.links)
/// let app = try makeLinksApplication(config: config.links, store: store, signer: signer,
///                                    organisation: config.organisation, logger: logger)
/// let group = ServiceGroup(services: [scheduler, app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
/// ```
///
/// - Parameters:
///   - topics: the topics the unsubscribe page offers (the schedules' `topic:` values).
///   - now: the clock for token expiry and the times stored.
///   - limits: timeouts and the connection cap (`ListenerLimits`); the daemon passes
///     `ListenerLimits.fitting(openFiles:)`, tests shorter ones.
///   - hits: where each request to a link route is counted (the console's /metrics reads it).
///   - onServerRunning: called with the bound port once listening (useful with port 0).
/// - Throws: `LinksListenError` when `links.listen` is not `host:port`.
public func makeLinksApplication(
    config: LinksConfig, store: Store, signer: LinkSigner, organisation: Organisation, logger: Logger,
    topics: LinkTopics = .shipped, now: @escaping @Sendable () -> Date = { Date() },
    limits: ListenerLimits = ListenerLimits(), hits: LinkHits? = nil,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let (host, port) = try parseListen(config.listen)
    let router = Router(context: BasicRequestContext.self, options: .autoGenerateHeadEndpoints)
    if let hits { router.add(middleware: LinkHitCounting(hits: hits)) }
    router.add(middleware: SecurityHeaders(organisation: organisation.name))
    LinksController(
        signer: signer, actions: LinkActions(store: store), organisation: organisation, topics: topics,
        logger: logger, now: now
    ).register(on: router)
    let guarded = GuardedListener(host: host, port: port, limits: limits, logger: logger)
    return Application(
        router: router,
        server: guarded.server,
        configuration: guarded.configuration,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
        logger: logger)
}

/// The HTTP/1 server and configuration of a listener held to `ListenerLimits`: deadlines for slow
/// clients, a connection cap that closes the longest-idle, small request heads (431 beyond). The links
/// listener and the console each build one.
public struct GuardedListener {
    public let server: HTTPServerBuilder
    public let configuration: ApplicationConfiguration

    public init(host: String, port: Int, limits: ListenerLimits, logger: Logger) {
        let table = ConnectionTable(logger: logger)
        // Links are short: a token in the path, a form of a few fields. Heads much larger are refused (431).
        let decoder = HTTP1Channel.Configuration.DecoderConfiguration(
            maxHeaderFieldSize: 8 * 1024, maxHeaderListSize: 16 * 1024, maxHeaderFieldCount: 100)
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [RequestDeadlineHandler(limits: limits, table: table, logger: logger)],
            httpDecoderConfiguration: decoder)
        server = .http1(configuration: http1)
        configuration = .init(
            address: .hostname(host, port: port), serverName: nil, backlog: limits.backlog,
            availableConnectionsDelegate: ConnectionCap(limits: limits, table: table))
    }
}

/// Splits `127.0.0.1:8025` or `[::1]:8025` into host and port.
public func parseListen(_ text: String) throws(LinksListenError) -> (String, Int) {
    guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
          (0...65535).contains(port) else { throw LinksListenError(value: text) }
    var host = String(text[..<colon])
    if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    guard !host.isEmpty else { throw LinksListenError(value: text) }
    return (host, port)
}

/// `links.listen` could not be read.
public struct LinksListenError: Error, Equatable, CustomStringConvertible {
    public let value: String
    public var description: String {
        "links.listen: \"\(value)\" must look like 127.0.0.1:8025 (host and port; [::1]:8025 for IPv6)"
    }
}
