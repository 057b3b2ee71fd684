// When a links connection must have sent its request, as a pure state machine, and the handler that keeps it.
import Logging
import NIOCore
import NIOHTTPTypes

/// The deadline a connection is under, decided from what it has read and written (see `ListenerLimits`).
///
/// | event                        | then                                                               |
/// |------------------------------|--------------------------------------------------------------------|
/// | connection opened            | a whole head within `requestHead`                                  |
/// | request head read            | the whole body within `requestBody`                                |
/// | request end read             | no deadline while the handler answers                              |
/// | response end written, none   | the next head within `idle` (a kept-alive connection)              |
/// |   pending and nothing read   |                                                                    |
/// | the deadline passes          | close                                                              |
///
/// `evictable` is true while the connection is in no request (waiting for a head, or idle): those are
/// the ones `ConnectionTable` may close to make room when the listener is full.
struct RequestDeadlines: Equatable {
    enum Action: Equatable {
        case schedule(after: Duration)
        case cancel
        case close
        case nothing
    }

    let limits: ListenerLimits
    /// Requests whose head was read and whose response has not ended.
    private(set) var inFlight = 0
    /// A head was read and its end not yet.
    private(set) var readingRequest = false

    init(limits: ListenerLimits) { self.limits = limits }

    var evictable: Bool { inFlight == 0 && !readingRequest }

    mutating func opened() -> Action { .schedule(after: limits.requestHead) }

    mutating func readHead() -> Action {
        inFlight += 1
        readingRequest = true
        return .schedule(after: limits.requestBody)
    }

    mutating func readEnd() -> Action {
        readingRequest = false
        return .cancel
    }

    mutating func wroteResponseEnd() -> Action {
        inFlight = max(0, inFlight - 1)
        return evictable ? .schedule(after: limits.idle) : .nothing
    }

    /// The scheduled deadline passed (a deadline is cancelled or replaced whenever the phase changes).
    func deadlinePassed() -> Action { .close }
}

/// Carries out `RequestDeadlines` on one connection, and tells the `ConnectionTable` whether it may be
/// closed to make room. Sits after the HTTP decoder (Hummingbird's `additionalChannelHandlers`).
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var machine: RequestDeadlines
    private let table: ConnectionTable
    private let logger: Logger
    private var timer: Scheduled<Void>?
    private var started = false

    init(limits: ListenerLimits, table: ConnectionTable, logger: Logger) {
        machine = RequestDeadlines(limits: limits)
        self.table = table
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop(context)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop(context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: carryOut(machine.readHead(), context)
        case .body: break
        case .end: carryOut(machine.readEnd(), context)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { carryOut(machine.wroteResponseEnd(), context) }
        context.write(data, promise: promise)
    }

    private func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        table.opened(context.channel)
        carryOut(machine.opened(), context)
    }

    private func stop(_ context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        if started { table.closed(context.channel) }
        started = false
    }

    private func carryOut(_ action: RequestDeadlines.Action, _ context: ChannelHandlerContext) {
        switch action {
        case .schedule(let after):
            timer?.cancel()
            timer = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(after.nanoseconds)) { [self] in
                self.timer = nil
                self.carryOut(self.machine.deadlinePassed(), context)
            }
        case .cancel:
            timer?.cancel()
            timer = nil
        case .close:
            logger.debug("links=timeout in_request=\(!machine.evictable)")
            context.close(promise: nil)
        case .nothing:
            break
        }
        if started { table.setEvictable(context.channel, machine.evictable) }
    }
}

extension Duration {
    /// The whole duration in nanoseconds (clamped).
    var nanoseconds: Int64 {
        let (s, atto) = components
        let (ns, overflow) = s.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : ns + atto / 1_000_000_000
    }
}
