// Headers every links response carries, and a plain page for errors thrown below (unknown path, wrong method,
// body too large).
import HTTPTypes
import Hummingbird
import Logging

/// Adds `Cache-Control: no-store`, `Referrer-Policy: no-referrer`, the strict CSP, `X-Robots-Tag: noindex`
/// and `X-Content-Type-Options: nosniff` to every response, errors included. The links listener and the
/// console share it, each with its own CSP, error pages and routes.
public struct SecurityHeaders<Context: RequestContext>: RouterMiddleware {
    let contentSecurityPolicy: String
    /// The `Allow` header for a path the listener serves, nil for any other (then a 404 stays a 404).
    let allowedMethods: @Sendable (String) -> String?
    /// The page answered for an error thrown below (unknown path, wrong method, body too large).
    let errorPage: @Sendable (HTTPResponse.Status) -> any ResponseGenerator

    /// The links listener's: `LinkPage`s in the organisation's name.
    init(organisation: String) {
        self.init(contentSecurityPolicy: LinkPage.contentSecurityPolicy, allowedMethods: { LinksController.allowedMethods(path: $0) },
                  errorPage: { Self.page(for: $0, organisation: organisation) })
    }

    public init(contentSecurityPolicy: String, allowedMethods: @escaping @Sendable (String) -> String?,
                errorPage: @escaping @Sendable (HTTPResponse.Status) -> any ResponseGenerator) {
        self.contentSecurityPolicy = contentSecurityPolicy; self.allowedMethods = allowedMethods; self.errorPage = errorPage
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let refusal as Refusal {
            response = try refusal.response(from: request, context: context)
        } catch let error as any HTTPResponseError {
            if error.status == .notFound, let allow = allowedMethods(request.uri.path) {
                // The address is one of ours, the method is not: 405 with the methods it takes (RFC 9110 15.5.6).
                response = try errorPage(.methodNotAllowed).response(from: request, context: context)
                response.headers[.allow] = allow
            } else {
                response = try errorPage(error.status).response(from: request, context: context)
            }
        } catch {
            response = try errorPage(.internalServerError).response(from: request, context: context)
        }
        response.headers[.cacheControl] = "no-store"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        // A route that sets a policy of its own keeps it (the console's sandboxed preview); all others get this one.
        if response.headers[.contentSecurityPolicy] == nil { response.headers[.contentSecurityPolicy] = contentSecurityPolicy }
        response.headers[HTTPField.Name("X-Robots-Tag")!] = "noindex"
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return response
    }

    static func page(for status: HTTPResponse.Status, organisation: String) -> LinkPage {
        let text = HTTPErrorWords.text(status, notFound: "There is nothing at this address. Please use the link in the email exactly as it came.")
        return LinkPage(status: status, organisation: organisation, title: status.reasonPhrase, body: LinkPage.paragraph(text))
    }
}

/// What an error page says, on the links' listener and the console's alike.
public enum HTTPErrorWords {
    /// The words for `status`, with `notFound` for a 404 (each listener says where to go instead).
    public static func text(_ status: HTTPResponse.Status, notFound: String) -> String {
        switch status.code {
        case 404: notFound
        case 405: "This page can't be used that way."
        case 413: "That request was too large."
        case 400..<500: "This request could not be understood."
        default: "Something went wrong on our side. Please try again in a few minutes."
        }
    }
}
