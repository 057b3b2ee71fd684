// The organiser's console as a Hummingbird application on a listener of its own, beside the links.
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import MusterCore
import MusterDaemon
import MusterLinks
import NIOConcurrencyHelpers

/// Builds the console (DESIGN.md "The organiser's console"): a ServiceLifecycle `Service` for the
/// daemon's group. It never shares a listener with the links: nothing of the console answers there.
///
/// ```swift
/// let credentials = try ConsoleCredentials(config: config.console, environment: ProcessInfo.processInfo.environment)
/// let console = try makeConsoleApplication(district: LiveDistrict(district), credentials: credentials, passes: passes, logger: logger)
/// ```
///
/// `district` is read afresh for each request: give it the `LiveDistrict` the daemon publishes its
/// SIGHUP reloads to, and the pages and /metrics follow them (`console:` itself, the listener and
/// its settings, is read once: changing it needs a restart). `linkHits`: the links listener's
/// counters, for /metrics.
///
/// - Throws: `ConsoleListenError` when `console.listen` is not `host:port`.
public func makeConsoleApplication(
    district live: LiveDistrict, credentials: ConsoleCredentials, passes: PassRecord?, linkHits: LinkHits? = nil, logger: Logger,
    now: @escaping @Sendable () -> Date = { Date() }, limits: ListenerLimits = ListenerLimits(),
    sessions: ConsoleSessions = ConsoleSessions(), throttle: SignInThrottle = SignInThrottle(),
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let config = live.district.config.console
    let listen = config.listen ?? ""
    let host: String, port: Int
    do { (host, port) = try parseListen(listen) } catch { throw ConsoleListenError(value: listen) }
    let pages = ConsolePages.all
    let router = Router(context: ConsoleContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: SecurityHeaders(
        contentSecurityPolicy: ConsoleHTML.contentSecurityPolicy,
        allowedMethods: { ConsoleController.allowedMethods(path: $0, pages: pages) },
        errorPage: { ConsoleApplicationPages.error($0) }))
    router.add(middleware: ConsoleGate(sessions: sessions, now: now, logger: logger))
    ConsoleController(
        live: live, credentials: credentials, sessions: sessions, throttle: NIOLockedValueBox(throttle),
        metrics: ConsoleMetrics(passes: passes, linkHits: linkHits), insecureHTTP: config.insecureHTTPOnLoopback, pages: pages,
        logger: logger, now: now
    ).register(on: router)
    let guarded = GuardedListener(host: host, port: port, limits: limits, logger: logger)
    return Application(
        router: router, server: guarded.server, configuration: guarded.configuration,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
        logger: logger)
}

/// Pages for errors thrown below the routes (unknown path, wrong method, body too large): no session
/// needed, nothing of anyone shown.
enum ConsoleApplicationPages {
    static func error(_ status: HTTPResponse.Status) -> ConsoleHTML {
        let text = HTTPErrorWords.text(status, notFound: "There is no console page at this address.")
        return ConsoleHTML(status: status, organisation: "", title: status.reasonPhrase, body: ConsoleHTML.paragraph(text),
                           session: nil, insecureHTTP: false)
    }
}

/// `console.listen` could not be read.
public struct ConsoleListenError: Error, Equatable, CustomStringConvertible {
    public let value: String
    public var description: String {
        "console.listen: \"\(value)\" must look like 127.0.0.1:8026 (host and port; [::1]:8026 for IPv6)"
    }
}
