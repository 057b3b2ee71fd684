// A page of the console: one type a page, one route each. Today and Rules are the first; Stop, Member and
// Report are meant to arrive the same way (add a type, list it in `ConsolePages.all`).
import Foundation
import Hummingbird
import Logging
import MusterDaemon

/// What a page is given: the district as the daemon loaded it, the instant, the session, the query.
public struct ConsolePageRequest: Sendable {
    public let district: District
    public let now: Date
    public let session: ConsoleSession
    /// The query string's values (`?rule=welcome`).
    public let query: [String: String]
    /// A POST's form fields, CSRF already checked; empty for a GET.
    public let form: [String: String]
    /// The client's IP address, for a page's log lines (never a member's).
    public var clientAddress: String = "unknown"
    /// The console's logger: ids and the client's address only.
    public var logger: Logger = Logger(label: "muster.console")
}

/// One page of the console, at `path`, shown in the navigation as `title`.
///
/// `body` returns escaped HTML (use `ConsoleHTML.escape`, `.table`, `.paragraph`); a page that acts
/// implements `post`, which the gate reaches only with a session and a matching CSRF token. Forms put
/// `ConsoleHTML.csrfField(request.session)` inside.
///
///     struct StopPage: ConsolePage {
///         let path = "/stop", title = "Stop"
///         func body(_ r: ConsolePageRequest) async throws -> String { ... forms with the CSRF field ... }
///         func post(_ r: ConsolePageRequest) async throws -> ConsolePostResult { ...; return .redirect("/stop") }
///     }
public protocol ConsolePage: Sendable {
    var path: String { get }
    var title: String { get }
    func body(_ request: ConsolePageRequest) async throws -> String
    /// nil: the page takes no POST (405).
    func post(_ request: ConsolePageRequest) async throws -> ConsolePostResult?
}

extension ConsolePage {
    public func post(_ request: ConsolePageRequest) async throws -> ConsolePostResult? { nil }
}

/// What a POST does next: back to a page (303, so a reload does not repeat it), or a page of its own.
public enum ConsolePostResult: Sendable {
    case redirect(String)
    case page(status: HTTPResponse.Status, body: String)
}

/// The console's pages, in navigation order.
public enum ConsolePages {
    public static let all: [any ConsolePage] = [TodayPage(), RulesPage(), StopPage()]
}
