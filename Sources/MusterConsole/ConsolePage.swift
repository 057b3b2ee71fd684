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
    /// The forecast from `now` for so many days (with the member limits' tally or not), from the
    /// console's `ForecastCache`: planned at most once a minute while nothing changes.
    public var forecasts: @Sendable (_ days: Int, _ limits: Bool) throws -> ForecastCache.Planned

    public init(district: District, now: Date, session: ConsoleSession, query: [String: String], form: [String: String],
                clientAddress: String = "unknown", logger: Logger = Logger(label: "muster.console"),
                forecasts: (@Sendable (_ days: Int, _ limits: Bool) throws -> ForecastCache.Planned)? = nil) {
        self.district = district; self.now = now; self.session = session; self.query = query; self.form = form
        self.clientAddress = clientAddress; self.logger = logger
        self.forecasts = forecasts ?? { days, limits in
            ForecastCache.Planned(forecast: try district.dailyForecast(now: now, days: days, limits: limits), at: now)
        }
    }

    /// The forecast for `days` days from `now` (see `forecasts`).
    public func forecast(days: Int, limits: Bool = false) throws -> ForecastCache.Planned { try forecasts(days, limits) }
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

/// An answer of the console outside its layout, at `path`, GET only and behind the same sign-in as the
/// pages: a CSV download, a rule's HTML preview. Listed in `ConsolePages.files`.
public protocol ConsoleFile: Sendable {
    var path: String { get }
    func answer(_ request: ConsolePageRequest) async throws -> ConsoleFileAnswer
}

/// What a `ConsoleFile` sends. The console's headers (no-store, nosniff...) are added as for a page.
public struct ConsoleFileAnswer: Sendable {
    public var status: HTTPResponse.Status = .ok
    public var contentType: String
    public var body: String
    /// Sent as `Content-Disposition: attachment` with this name (ASCII letters, digits, `.-_`) when set.
    public var filename: String?
    /// This answer's own Content-Security-Policy in place of the console's (the preview's `sandbox`).
    public var contentSecurityPolicy: String?

    public init(status: HTTPResponse.Status = .ok, contentType: String, body: String, filename: String? = nil,
                contentSecurityPolicy: String? = nil) {
        self.status = status; self.contentType = contentType; self.body = body; self.filename = filename
        self.contentSecurityPolicy = contentSecurityPolicy
    }

    /// A short plain-text answer (a 404 that says what would have been found).
    public static func text(_ status: HTTPResponse.Status, _ text: String) -> ConsoleFileAnswer {
        ConsoleFileAnswer(status: status, contentType: "text/plain; charset=utf-8", body: text)
    }
}

/// The console's pages, in navigation order.
public enum ConsolePages {
    public static let all: [any ConsolePage] = [TodayPage(), RulesPage(), MemberPage(), ReportPage(), StopPage()]
    /// The answers outside the layout.
    public static let files: [any ConsoleFile] = [ReportDownload(), RulePreview()]
}
