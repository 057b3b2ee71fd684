// SIGHUP: muster.yaml, schedules and templates read again; a broken set is refused and the old one kept.
import Foundation
import Logging
import MusterCore
import MusterStore
import MusterTemplates
import ServiceLifecycle
import UnixSignals

extension District {
    /// The district as its files say now: muster.yaml, the schedules and the templates read again
    /// and checked as `muster check` checks them, the open database kept.
    ///
    /// Throws the first problems found (file and line), so the caller can keep what it has.
    public func reloaded(now: Date) throws -> District {
        let fresh = try Config.load(path: config.file)
        guard fresh.database == config.database else {
            throw InputError(file: config.file, line: nil,
                             "database: moving to another database needs a restart (still using \(config.database))")
        }
        let rules = try ScheduleLoader(checkCondition: store.conditionChecker)
            .load(directory: fresh.schedules, display: Self.display(fresh.schedules, base: fresh.file))
        let templates = try TemplateSet(directory: fresh.templates, displayPath: Self.display(fresh.templates, base: fresh.file))
        let district = District(config: fresh, store: store, rules: rules, templates: templates)
        let report = district.check(now: now)
        guard report.errors.isEmpty else { throw InputErrors(report.errors) }
        return district
    }
}

/// Turns SIGHUP into reload requests for the daemon's loop, until a graceful shutdown.
///
/// Make it (and so trap SIGHUP) before the service group starts, so that a SIGHUP sent as soon as
/// the daemon says it is ready reloads rather than kills.
public struct ReloadSignalService: Service {
    let signals: UnixSignalsSequence
    let requests: ReloadRequests

    public init(requests: ReloadRequests) async {
        signals = await UnixSignalsSequence(trapping: .sighup)
        self.requests = requests
    }

    public func run() async throws {
        for await _ in signals.cancelOnGracefulShutdown() {
            requests.request()
        }
    }
}
