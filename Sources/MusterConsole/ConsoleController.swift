// The console's routes: sign-in and sign-out, the pages, /metrics and /healthz.
import Foundation
import Hummingbird
import Logging
import MusterCore
import MusterDaemon
import NIOConcurrencyHelpers

/// Signs organisers in and out and serves `ConsolePages.all` behind `ConsoleGate`.
///
/// Log lines carry the session's number and the client's address only:
/// `console=sign_in status=refused client=127.0.0.1 failures=3 delay_ms=4000`.
struct ConsoleController: Sendable {
    /// The district as the daemon's latest reload left it, read afresh for each request.
    let live: LiveDistrict
    let forecasts = ForecastCache()
    let credentials: ConsoleCredentials
    let sessions: ConsoleSessions
    let throttle: NIOLockedValueBox<SignInThrottle>
    let metrics: ConsoleMetrics
    let insecureHTTP: Bool
    let pages: [any ConsolePage]
    let files: [any ConsoleFile] = ConsolePages.files
    let logger: Logger
    let now: @Sendable () -> Date

    func register(on router: Router<ConsoleContext>) {
        router.get("/healthz") { _, _ in ConsoleGate.plain(.ok, "ok\n") }
        router.get("/metrics") { _, _ in try metricsResponse() }
        router.get("/sign-in") { r, c in try await signInPage(r, c) }
        router.post("/sign-in") { _, c in try await signIn(c) }
        router.post("/sign-out") { r, c in signOut(r, c) }
        router.get("/") { _, _ in Response(status: .seeOther, headers: [.location: pages.first?.path ?? "/sign-in", .contentLength: "0"]) }
        for page in pages {
            router.get(RouterPath(page.path)) { r, c in try await show(page, r, c) }
            router.post(RouterPath(page.path)) { r, c in try await act(page, r, c) }
        }
        for file in files { router.get(RouterPath(file.path)) { r, c in try await serve(file, r, c) } }
    }

    /// The paths registered, with their methods (for 405's `Allow`).
    static func allowedMethods(path: String, pages: [any ConsolePage]) -> String? {
        switch path {
        case "/healthz", "/metrics", "/": return "GET, HEAD"
        case "/sign-in": return "GET, HEAD, POST"
        case "/sign-out": return "POST"
        default:
            if pages.contains(where: { $0.path == path }) { return "GET, HEAD, POST" }
            return ConsolePages.files.contains { $0.path == path } ? "GET, HEAD" : nil
        }
    }

    // MARK: Signing in and out

    static let signInForm = """
        <form method="post" action="/sign-in">
        <label for="password">Password</label>
        <input type="password" id="password" name="password" autocomplete="current-password" required autofocus>
        <button type="submit">Sign in</button>
        </form>
        """

    func signInPage(_ r: Request, _ c: ConsoleContext) async throws -> Response {
        try html(title: "Sign in", body: Self.signInForm, session: nil).response(from: r, context: c)
    }

    func signIn(_ c: ConsoleContext) async throws -> Response {
        let address = c.clientAddress
        let decision = throttle.withLockedValue { $0.admit(address, now: now()) }
        if case .wait(let seconds) = decision {
            logger.warning("console=sign_in status=throttled client=\(address) retry_after=\(seconds)s")
            var response = try await signInPageResponse(.tooManyRequests, "Too many attempts. Please wait \(seconds) seconds and try again.")
            response.headers[.retryAfter] = String(seconds)
            return response
        }
        let password = c.form?["password"] ?? ""
        guard !password.isEmpty, await credentials.verify(password) else {
            let (delay, failures) = throttle.withLockedValue { $0.failed(address, now: now()) }
            logger.warning("console=sign_in status=refused client=\(address) failures=\(failures) delay_ms=\(Int(delay * 1000))")
            // Held back on this request as well, so that even a client that waits for each answer is slowed.
            try? await Task.sleep(for: .milliseconds(Int(min(delay, 5) * 1000)))
            return try await signInPageResponse(.unauthorized, "That password is not right.")
        }
        throttle.withLockedValue { $0.succeeded(address) }
        let session = sessions.create(now: now())
        logger.notice("console=sign_in status=ok session=\(session.number) client=\(address)")
        var cookie = "\(ConsoleSessions.cookieName)=\(session.id); Path=/; HttpOnly; SameSite=Strict"
        if !insecureHTTP { cookie += "; Secure" }
        return Response(status: .seeOther, headers: [.location: pages.first?.path ?? "/", .setCookie: cookie, .contentLength: "0"])
    }

    private func signInPageResponse(_ status: HTTPResponse.Status, _ note: String) async throws -> Response {
        let page = html(status: status, title: "Sign in",
                        body: "<p class=\"warn\" role=\"alert\">\(ConsoleHTML.escape(note))</p>" + Self.signInForm, session: nil)
        let bytes = ByteBuffer(string: page.html)
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .contentLength: String(bytes.readableBytes)],
                        body: .init(byteBuffer: bytes))
    }

    func signOut(_ r: Request, _ c: ConsoleContext) -> Response {
        if let session = c.session {
            sessions.end(session.id)
            logger.notice("console=sign_out session=\(session.number) client=\(c.clientAddress)")
        }
        var cookie = "\(ConsoleSessions.cookieName)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
        if !insecureHTTP { cookie += "; Secure" }
        return Response(status: .seeOther, headers: [.location: "/sign-in", .setCookie: cookie, .contentLength: "0"])
    }

    // MARK: Pages

    func show(_ page: any ConsolePage, _ r: Request, _ c: ConsoleContext) async throws -> Response {
        guard let session = c.session else { return ConsoleGate.toSignIn() }
        let body: String
        do { body = try await page.body(request(session, r, c)) } catch {
            logger.error("console=page path=\(page.path) session=\(session.number) status=error error=\(type(of: error))")
            return try html(status: .serviceUnavailable, title: page.title,
                            body: ConsoleHTML.paragraph("This page could not be read from the database just now. Please try again in a minute."),
                            session: session, current: page.path).response(from: r, context: c)
        }
        return try html(title: page.title, body: body, session: session, current: page.path).response(from: r, context: c)
    }

    func act(_ page: any ConsolePage, _ r: Request, _ c: ConsoleContext) async throws -> Response {
        guard let session = c.session else { return ConsoleGate.toSignIn() }
        switch try await page.post(request(session, r, c)) {
        case nil:
            var response = try ConsoleApplicationPages.error(.methodNotAllowed).response(from: r, context: c)
            response.headers[.allow] = "GET, HEAD"
            return response
        case .redirect(let to)?:
            return Response(status: .seeOther, headers: [.location: to, .contentLength: "0"])
        case .page(let status, let body)?:
            return try html(status: status, title: page.title, body: body, session: session, current: page.path).response(from: r, context: c)
        }
    }

    func serve(_ file: any ConsoleFile, _ r: Request, _ c: ConsoleContext) async throws -> Response {
        guard let session = c.session else { return ConsoleGate.toSignIn() }
        let answer: ConsoleFileAnswer
        do { answer = try await file.answer(request(session, r, c)) } catch {
            logger.error("console=file path=\(file.path) session=\(session.number) status=error error=\(type(of: error))")
            return ConsoleGate.plain(.serviceUnavailable, "This could not be read from the database just now. Please try again in a minute.\n")
        }
        let bytes = ByteBuffer(string: answer.body)
        var headers: HTTPFields = [.contentType: answer.contentType, .contentLength: String(bytes.readableBytes)]
        if let name = answer.filename {
            headers[.contentDisposition] = "attachment; filename=\"\(String(name.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil || "._-".unicodeScalars.contains($0)) }))\""
        }
        if let policy = answer.contentSecurityPolicy { headers[.contentSecurityPolicy] = policy }
        return Response(status: answer.status, headers: headers, body: .init(byteBuffer: bytes))
    }

    private func request(_ session: ConsoleSession, _ r: Request, _ c: ConsoleContext) -> ConsolePageRequest {
        var query: [String: String] = [:]
        for (k, v) in r.uri.queryParameters { query[String(k)] = String(v) }
        let (district, generation) = live.versioned
        let at = now()
        let forecasts = self.forecasts
        return ConsolePageRequest(district: district, now: at, session: session, query: query, form: c.form?.fields ?? [:],
                                  clientAddress: c.clientAddress, logger: logger) { days, limits in
            try forecasts.forecast(district, generation: generation, now: at, days: days, limits: limits)
        }
    }

    private func html(status: HTTPResponse.Status = .ok, title: String, body: String, session: ConsoleSession?, current: String = "") -> ConsoleHTML {
        ConsoleHTML(status: status, organisation: live.district.config.organisation.name, title: title, body: body, session: session,
                    insecureHTTP: insecureHTTP, current: current, pages: pages.map { ($0.path, $0.title) })
    }

    // MARK: Metrics

    func metricsResponse() throws -> Response {
        let text = try metrics.scrape(district: live.district, now: now())
        let bytes = ByteBuffer(string: text)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .contentLength: String(bytes.readableBytes)],
                        body: .init(byteBuffer: bytes))
    }
}
