// muster run: the daemon, in a service group that turns SIGTERM and SIGINT into a graceful shutdown.
import ArgumentParser
import Foundation
import Logging
import MusterConsole
import MusterCore
import MusterDaemon
import MusterLinks
import MusterStore
import ServiceLifecycle

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "The daemon: plan and deliver as things fall due, until SIGTERM or SIGINT.",
        discussion: """
            Sleeps until the next due message, retry or planning instant, and notices rows other programs \
            write within a second. SIGHUP reloads muster.yaml, schedules and templates (a broken set is \
            refused and logged; the old one stays). SIGTERM and SIGINT stop planning, finish the messages \
            in flight and exit 0.
            """)

    @OptionGroup var global: GlobalOptions

    /// For tests and benchmarks: the daemon's clock starts at this instant and then runs at the
    /// wall clock's pace.
    @Option(help: .hidden)
    var now: String?

    /// For the benchmark: plan once, time turns with nothing changed, print, exit; delivers nothing.
    @Flag(help: .hidden)
    var onceBench = false

    @Option(help: .hidden)
    var pollMilliseconds: Int = 300

    /// For tests: the work one rule's planning queries may take in a pass (default 2 s).
    @Option(help: .hidden)
    var querySeconds: Double?

    func run() async throws {
        // A parent (a test runner) may have blocked these; the service group needs to see them.
        var set = sigset_t()
        sigemptyset(&set)
        for s in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&set, s) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)

        // Slow clients of the links listener must not use up the descriptors delivery and SQLite need:
        // take the hard limit, and cap the listener well below it.
        let openFiles = OpenFileLimit.raiseToHard()
        let config = try global.loadConfig()
        let logger = makeLogger(global.logLevel)
        var district = try District.load(config: config)
        if let querySeconds { district.store.queryLimits = QueryLimits(seconds: querySeconds) }
        let signer = try makeSigner(config)
        var engine = Engine(district: district, transport: try config.makeTransport(), links: signer, logger: logger)
        engine.bounceSigner = try makeBounceSigner(config)
        var settings = DaemonSettings()
        settings.poll = Double(max(10, pollMilliseconds)) / 1000
        // Refuse a console whose password hash is missing before anything starts.
        let console = try ConsoleSetup(config: config)
        let live = LiveDistrict(district)
        let linkHits = console == nil ? nil : LinkHits()
        if console != nil {
            settings.passes = PassRecord()
            settings.live = live
        }
        let clock = ServiceClock(startingAt: now == nil ? nil : try parseNow(now))
        let reloads = ReloadRequests()
        let daemon = DaemonService(engine: engine, clock: clock, settings: settings, reloads: reloads) { try $0.makeTransport() }
        if onceBench {
            print(try await daemon.benchmarkPlanning(runs: 1000).text)
            return
        }
        let hangups = await ReloadSignalService(requests: reloads)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: daemon, successTerminationBehavior: .gracefullyShutdownGroup),
            .init(service: hangups),
        ]
        if let signer {
            let limits = ListenerLimits.fitting(openFiles: openFiles)
            // The links in messages (unsubscribe, "I've voted", RSVP), served at links.listen.
            let app = try makeLinksApplication(
                config: config.links, store: district.store, signer: signer, organisation: config.organisation,
                logger: logger, topics: LinkTopics(Array(Set(district.rules.map(\.topic))).sorted()), now: { clock.now() },
                limits: limits, hits: linkHits,
                onServerRunning: { port in
                    logger.notice("links=listening port=\(port) max_connections=\(limits.maxConnections) open_files=\(openFiles)")
                })
            services.append(.init(service: app, failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        if let console {
            let limits = ListenerLimits.fitting(openFiles: openFiles)
            services.append(.init(service: try console.application(district: live, passes: settings.passes, linkHits: linkHits, clock: clock,
                                                                   limits: limits, logger: logger),
                                  failureTerminationBehavior: .gracefullyShutdownGroup))
        }
        if let box = try makeBounceMailbox(config: config, store: district.store, now: { clock.now() }, logger: logger) {
            services.append(.init(service: box))
        }
        // Last, so that a graceful shutdown tells it first: a slow query must not hold up the daemon's stop.
        services.append(.init(service: QueryCancellationService(limits: district.store.queryLimits),
                              successTerminationBehavior: .ignore))
        var lifecycleLogger = logger
        lifecycleLogger.logLevel = max(logger.logLevel, .notice)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: lifecycleLogger))
        try await group.run()
    }
}
