// The links listener's outermost middleware: each answer to a link route counted in `LinkHits`.
import Hummingbird

/// Counts every request to a link route with the status it was finally answered with (refusals
/// and error pages included: it sits outside `SecurityHeaders`, which turns errors into pages).
struct LinkHitCounting<Context: RequestContext>: RouterMiddleware {
    let hits: LinkHits

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            let response = try await next(request, context)
            hits.record(path: request.uri.path, method: request.method.rawValue, status: Int(response.status.code))
            return response
        } catch let error as any HTTPResponseError {
            hits.record(path: request.uri.path, method: request.method.rawValue, status: Int(error.status.code))
            throw error
        } catch {
            hits.record(path: request.uri.path, method: request.method.rawValue, status: 500)
            throw error
        }
    }
}
