// The console's door: every path but sign-in and metrics needs a live session, and every POST its CSRF token.
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MusterLinks

/// Runs before every route.
///
/// | request                                      | answer                                              |
/// |----------------------------------------------|-----------------------------------------------------|
/// | `/sign-in`, `/metrics`, `/healthz`           | passed on (the sign-in page shows nothing of anyone)|
/// | no cookie, unknown or idle session           | 303 to `/sign-in`, an empty body                    |
/// | POST whose `csrf` field is not the session's | 403, nothing done                                   |
/// | POST from another site (`Sec-Fetch-Site`)    | 403, nothing done                                   |
/// | otherwise                                    | passed on with `context.session` and `context.form` |
struct ConsoleGate: RouterMiddleware {
    typealias Context = ConsoleContext
    let sessions: ConsoleSessions
    let now: @Sendable () -> Date
    let logger: Logger
    static let open: Set<String> = ["/sign-in", "/metrics", "/healthz"]
    static let maxBody = 16 * 1024

    func handle(_ request: Request, context: ConsoleContext, next: (Request, ConsoleContext) async throws -> Response) async throws -> Response {
        var request = request
        var context = context
        if request.method == .post, let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!],
           site != "same-origin", site != "none" {
            logger.warning("console=refused reason=cross_site client=\(context.clientAddress) path=\(request.uri.path)")
            return Self.plain(.forbidden, "This form can only be sent from the console itself.\n")
        }
        if Self.open.contains(request.uri.path) {
            if request.method == .post {
                let buffer = try await request.collectBody(upTo: Self.maxBody)
                context.form = FormBody(contentType: request.headers[.contentType], body: String(buffer: buffer))
            }
            return try await next(request, context)
        }
        guard let id = request.cookies[ConsoleSessions.cookieName]?.value, let session = sessions.find(id, now: now()) else {
            return Self.toSignIn()
        }
        context.session = session
        if request.method == .post {
            let buffer = try await request.collectBody(upTo: Self.maxBody)
            let form = FormBody(contentType: request.headers[.contentType], body: String(buffer: buffer))
            guard let token = form["csrf"], ConstantTime.equals(Array(token.utf8), Array(session.csrf.utf8)) else {
                logger.warning("console=refused reason=csrf session=\(session.number) client=\(context.clientAddress) path=\(request.uri.path)")
                return Self.plain(.forbidden, "This form has expired or did not come from this console. Go back, reload the page and try again.\n")
            }
            context.form = form
        }
        return try await next(request, context)
    }

    static func toSignIn() -> Response {
        Response(status: .seeOther, headers: [.location: "/sign-in", .contentLength: "0"])
    }

    static func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        let bytes = ByteBuffer(string: text)
        return Response(status: status, headers: [.contentType: "text/plain; charset=utf-8", .contentLength: String(bytes.readableBytes)],
                        body: .init(byteBuffer: bytes))
    }
}
