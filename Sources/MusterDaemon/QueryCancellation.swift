// Shutdown is never blocked by a query: a graceful shutdown stops the planning query that is running.
import Foundation
import MusterStore
import ServiceLifecycle

/// Waits for the service group's graceful shutdown, then cancels `limits`: a planning query running
/// then (a slow `where:`) stops within a moment (`QueryLimits`' progress handler), and the daemon's
/// loop ends instead of waiting for it.
///
/// Put it last in the group: services are shut down in reverse order, so it is told first.
public struct QueryCancellationService: Service {
    let limits: QueryLimits

    public init(limits: QueryLimits) {
        self.limits = limits
    }

    public func run() async throws {
        try? await gracefulShutdown()
        limits.cancel()
    }
}
