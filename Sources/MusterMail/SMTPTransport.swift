// SMTP over libcurl: a few long-lived connections, a shared rate limit, one transaction a message.
import CCurl
import Foundation
import MusterCore

/// Delivers through an SMTP relay with libcurl.
///
/// `concurrency` worker threads each hold one connection (see `CurlSMTPConnection`), reused from
/// message to message and from batch to batch, with the mail transactions pipelined when the
/// server offers it. Workers take messages from the batch in order and
/// wait their turn at a shared token bucket when `rate` is set. Each message is its own
/// transaction with one recipient, so a refused recipient fails that message only. When the relay
/// cannot be used at all (refused connection, TLS, authentication, no greeting) the messages not
/// yet tried are deferred with the same reply instead of hammering it, all marked `transportDown`.
///
///     let smtp = try SMTPTransport(SMTPSettings(url: "smtp://relay.example.org:587", tls: .required,
///                                               usernameEnv: "MUSTER_SMTP_USER", passwordEnv: "MUSTER_SMTP_PASSWORD",
///                                               concurrency: 4, rate: try RateLimit(parsing: "30/minute")))
///     let results = await smtp.send(messages)   // one DeliveryResult per message, same order
public final class SMTPTransport: MailTransport, @unchecked Sendable {
    public let settings: SMTPSettings
    private let url: String
    private let credentials: SMTPCredentials?
    private let caBlob: Data?
    private let gate: RateGate?
    private let lock = NSLock()
    private var idle: [CurlSMTPConnection] = []

    private static let globalInit: Void = { _ = muster_global_init() }()

    static func initialiseLibcurl() { _ = globalInit }

    /// Checks the settings and reads the credentials; connects only when sending.
    public init(_ settings: SMTPSettings, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        SMTPTransport.initialiseLibcurl()
        if TransportSpec.hasCredentials(settings.url) { throw MailConfigurationError(TransportSpec.credentialsRefusal(settings.url)) }
        guard let scheme = settings.url.split(separator: ":").first, scheme == "smtp" || scheme == "smtps",
              settings.url.hasPrefix("\(scheme)://"), settings.url.count > scheme.count + 3
        else {
            throw MailConfigurationError("mail.transport: \"\(TransportSpec.redacted(settings.url))\" is not an SMTP address; use smtp://host:587 or smtps://host:465")
        }
        let range = MailConfig.concurrencyRange
        guard range.contains(settings.concurrency) else {
            throw MailConfigurationError("mail.concurrency: must be between \(range.lowerBound) and \(range.upperBound) (got \(settings.concurrency))")
        }
        self.settings = settings
        var url = settings.url
        let afterScheme = url.dropFirst(scheme.count + 3)
        if !afterScheme.contains("/"), let helo = settings.heloName, !helo.isEmpty {
            url += "/" + helo
        }
        self.url = url
        credentials = try SMTPCredentials.from(settings, environment: environment)
        caBlob = try settings.caFile.map { try CABundle.combined(extraFile: $0) }
        gate = settings.rate.map(RateGate.init)
    }

    deinit { idle.removeAll() }

    /// Closes the idle connections (QUIT). The next `send` opens new ones.
    public func close() {
        lock.lock(); let conns = idle; idle = []; lock.unlock()
        _ = conns
    }

    public func send(_ batch: [OutgoingMessage], settle: @escaping Settle) async {
        if batch.isEmpty { return }
        let job = BatchJob(batch, settle: settle)
        let workers = min(settings.concurrency, batch.count)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let group = DispatchGroup()
            for _ in 0..<workers {
                group.enter()
                let thread = Thread { [self] in
                    self.work(job)
                    group.leave()
                }
                thread.stackSize = 1 << 20
                thread.start()
            }
            group.notify(queue: .global()) { continuation.resume() }
        }
    }

    /// One worker: a connection from the pool, then messages until the batch is done. Each result
    /// is settled (recorded durably) before the next message's data goes out on this connection;
    /// with pipelining only the next message's envelope commands may already be on the wire, and
    /// those deliver nothing by themselves.
    private func work(_ job: BatchJob) {
        let connection: CurlSMTPConnection
        do {
            connection = try checkOut()
        } catch {
            while let i = job.next() { guard job.settle(i, .deferred(reply: "\(error)", transportDown: true)) else { return } }
            return
        }
        defer { checkIn(connection) }
        // With no rate limit, the next message is taken before this one goes, so that its commands
        // can follow this message's data on the wire (when the server pipelines).
        var current = job.next()
        while let i = current {
            let lookahead = gate == nil ? job.next() : nil
            let result: DeliveryResult
            if let down = job.downReply, !connection.hasCommandsInFlight(for: job.batch[i]) {
                result = .deferred(reply: down, transportDown: true)
            } else {
                gate?.wait()
                result = connection.send(job.batch[i], then: lookahead.map { job.batch[$0] })
                if case .deferred(let reply, true) = result { job.markDown(reply) }
            }
            guard job.settle(i, result) else { return }
            current = gate == nil ? lookahead : job.next()
        }
    }

    private func checkOut() throws -> CurlSMTPConnection {
        lock.lock()
        if let c = idle.popLast() { lock.unlock(); return c }
        lock.unlock()
        return try CurlSMTPConnection(url: url, settings: settings, credentials: credentials, caBlob: caBlob)
    }

    private func checkIn(_ c: CurlSMTPConnection) {
        lock.lock(); idle.append(c); lock.unlock()
    }
}

/// A batch shared by the workers: the next message to take, where results go, and whether the
/// relay has been found unusable.
private final class BatchJob: @unchecked Sendable {
    let batch: [OutgoingMessage]
    private let settleResult: Settle
    private let lock = NSLock()
    private var index = 0
    private var down: String?
    private var stopped = false

    init(_ batch: [OutgoingMessage], settle: @escaping Settle) {
        self.batch = batch
        settleResult = settle
    }

    /// The next message to take; nil when none is left or settling failed.
    func next() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard !stopped, index < batch.count else { return nil }
        index += 1
        return index - 1
    }

    /// Settles message `i`; false (and no more messages for anyone) when it could not be recorded.
    func settle(_ i: Int, _ r: DeliveryResult) -> Bool {
        do {
            try settleResult(i, r)
            return true
        } catch {
            lock.withLock { stopped = true }
            return false
        }
    }

    var downReply: String? { lock.lock(); defer { lock.unlock() }; return down }

    func markDown(_ reply: String) { lock.lock(); if down == nil { down = reply }; lock.unlock() }
}
