// muster run: the long-running service. Plans when something can be due, delivers what is due, sleeps between.
import Foundation
import GRDB
import Logging
import MusterCore
import MusterMail
import MusterStore
import ServiceLifecycle

/// How often and how far the daemon looks.
public struct DaemonSettings: Sendable {
    /// How often the watcher asks the database whether another program committed (`data_version`).
    public var poll: TimeInterval = 0.3
    /// How far ahead a whole-district pass looks for the next due instant; also the longest time
    /// between two whole-district passes.
    public var lookahead: TimeInterval = 3600
    /// How long to wait after a turn failed (a database error) before trying again.
    public var errorBackoff: TimeInterval = 5
    /// Where each pass's duration is written, for the console's /metrics; nil: nowhere.
    public var passes: PassRecord?
    /// Where each district a SIGHUP reload accepted is published, for the console; nil: nowhere.
    public var live: LiveDistrict?

    public init() {}
}

/// The daemon: one `run()`, stopped by the service group on SIGTERM or SIGINT.
///
/// Each turn it (1) reloads if SIGHUP asked for it, (2) asks the `DataWatcher` whether another
/// program wrote, (3) plans what `PlanSchedule` says (nothing, the members that changed, or the
/// whole district), (4) delivers one batch if something is due, and (5) sleeps until the next
/// poll, due message, retry or planning instant, whichever is first. The sleep is the only place
/// a graceful shutdown cuts short: planning stops, the batch in flight finishes and is recorded,
/// and `run()` returns.
///
/// At start-up, entries a crash left `sending` go back to the queue with the same bytes and
/// Message-ID (`Engine.recover`), and the whole district is planned.
public struct DaemonService: Service {
    public let settings: DaemonSettings
    public let clock: any MusterClock
    public let reloads: ReloadRequests
    let start: Engine
    let makeTransport: @Sendable (Config) throws -> any MailTransport

    /// `makeTransport` builds the transport a reloaded configuration names.
    public init(
        engine: Engine, clock: any MusterClock = ServiceClock(), settings: DaemonSettings = DaemonSettings(),
        reloads: ReloadRequests = ReloadRequests(),
        makeTransport: @escaping @Sendable (Config) throws -> any MailTransport
    ) {
        self.start = engine; self.clock = clock; self.settings = settings; self.reloads = reloads
        self.makeTransport = makeTransport
    }

    public func run() async throws {
        var turn = try DaemonTurn(engine: start, settings: settings, clock: clock)
        start.logger.notice("daemon=started pid=\(getpid()) now=\(ISOTime.format(clock.now())) poll_ms=\(Int(settings.poll * 1000)) lookahead=\(Int(settings.lookahead))s recovered=\(turn.recovered)")
        while true {
            let pause: TimeInterval
            do {
                if reloads.take() { turn.reload(makeTransport: makeTransport) }
                pause = try await turn.once()
            } catch let stopped as QueryCancelled {
                // A graceful shutdown stopped a planning query: the normal way out, not an error.
                start.logger.notice("daemon=stopping reason=\"\(stopped)\"")
                break
            } catch {
                start.logger.error("daemon=error retry_in=\(Int(settings.errorBackoff))s error=\"\(Engine.logSafe(String(describing: error)))\"")
                pause = settings.errorBackoff
            }
            guard await sleep(pause) else { break }
        }
        start.logger.notice("daemon=stopped reason=\"graceful shutdown\"")
    }

    /// Sleeps `seconds` by the daemon's clock; false at once when a graceful shutdown has begun or
    /// begins meanwhile, or the task is cancelled.
    func sleep(_ seconds: TimeInterval) async -> Bool {
        if Task.isShuttingDownGracefully || Task.isCancelled { return false }
        let deadline = clock.now().addingTimeInterval(max(0, seconds))
        do {
            try await cancelWhenGracefulShutdown { try await clock.sleep(until: deadline) }
            return !Task.isCancelled
        } catch {
            return false
        }
    }
}

/// The daemon's state between turns, and one turn of work.
struct DaemonTurn {
    var engine: Engine
    let settings: DaemonSettings
    let clock: any MusterClock
    let watcher: DataWatcher
    var schedule: PlanSchedule
    /// The outbox's next due entry (first attempt or retry), re-read whenever the database changed.
    var nextDue: Date?
    var recovered = 0
    /// The change log is planned and deleted up to here.
    var forgotten: Int64 = 0
    var logger: Logger { engine.logger }

    init(engine: Engine, settings: DaemonSettings, clock: any MusterClock) throws {
        self.engine = engine; self.settings = settings; self.clock = clock
        schedule = PlanSchedule(lookahead: settings.lookahead)
        let store = engine.district.store
        // Changes logged before now are covered by the first whole-district pass.
        let seen = try store.pool.write { db -> Int64 in
            try ChangeLog.install(db)
            return try ChangeLog.latest(db)
        }
        watcher = try DataWatcher(path: store.path, after: seen)
        recovered = try engine.recover(now: clock.now())
        try store.pool.write { db in try ChangeLog.forget(through: seen, db) }
        forgotten = seen
    }

    /// Reads config, schedules and templates again; on any problem keeps the current ones.
    mutating func reload(makeTransport: (Config) throws -> any MailTransport) {
        do {
            let district = try engine.district.reloaded(now: clock.now())
            let transport = try makeTransport(district.config)
            var fresh = Engine(district: district, transport: transport, links: engine.links, logger: engine.logger)
            fresh.batchSize = engine.batchSize
            fresh.bounceSigner = engine.bounceSigner
            engine = fresh
            settings.live?.replace(with: district)
            schedule.rulesChanged = true
            logger.notice("reload=ok rules=\(district.rules.count)")
        } catch {
            let text = String(describing: error).components(separatedBy: .newlines).joined(separator: "; ")
            logger.error("reload=failed kept=previous error=\"\(text.replacingOccurrences(of: "\"", with: "'"))\"")
        }
    }

    /// One turn: one pass (planning what `PlanSchedule` says, delivering one batch if something is
    /// due). Returns how long to sleep before the next.
    mutating func once() async throws -> TimeInterval {
        let now = clock.now()
        let changes = try watcher.poll()
        if changes != nil { nextDue = try engine.outbox.nextDue() }
        let action = schedule.decide(now: now, changes: changes)
        let scope: PassScope = switch action {
        case .none: .nobody
        case .members(let ids): .members(ids)
        case .everything: .everyone
        }
        let deliverNow = action != .none || (nextDue.map { $0 <= now } ?? false)
        var s = PassSummary()
        if scope != .nobody || deliverNow {
            s = try await engine.pass(
                now: now, scope: scope, lookahead: settings.lookahead,
                delivery: .batches(deliverNow ? 1 : 0), stop: { Task.isShuttingDownGracefully })
            nextDue = s.nextDue
            settings.passes?.record(seconds: s.seconds, at: now)
        }
        switch action {
        case .none: break
        case let .members(ids):
            schedule.planned(everything: false, now: now, nextTimeDue: s.nextTimeDue)
            log(s, pass: "members", extra: "members=\(ids.count)")
        case let .everything(reason):
            schedule.planned(everything: true, now: now, nextTimeDue: s.nextTimeDue)
            log(s, pass: "everything", extra: "reason=\(reason) expired=\(s.expired)")
        }
        if let changes, changes.through > forgotten {
            try ChangeLog.forget(through: changes.through, in: engine.district.store)
            forgotten = changes.through
        }
        if s.attempted > 0, s.transportDown < s.attempted, let due = nextDue, due <= clock.now() { return 0 }
        var wake = now.addingTimeInterval(settings.poll)
        if let p = schedule.nextPlanAt, p < wake { wake = p }
        if let d = nextDue, d < wake { wake = d }
        return wake.timeIntervalSince(clock.now())
    }

    private func log(_ s: PassSummary, pass: String, extra: String) {
        let skipped = s.skippedPastGrace.values.reduce(0, +)
        let next = schedule.nextPlanAt.map(ISOTime.format) ?? "-"
        let line: Logger.Message = "pass=\(pass) \(extra) due=\(s.due) queued=\(s.queued) suppressed=\(s.suppressed) failed=\(s.failedAtEnqueue) skipped=\(skipped) next_plan=\(next) duration_ms=\(String(format: "%.1f", s.seconds * 1000))"
        if s.queued + s.suppressed + s.failedAtEnqueue > 0 || pass == "everything" {
            logger.info(line)
        } else {
            logger.debug(line)
        }
    }
}
