// Slow, idle and too many clients against the real listener on 127.0.0.1: raw sockets that send half a request.
import Foundation
import Testing
@testable import MusterLinks
#if canImport(Glibc)
import Glibc
#endif

/// A TCP connection to 127.0.0.1 that sends some bytes and then says nothing more.
final class RawClient: @unchecked Sendable {
    let fd: Int32
    let opened = Date()
    /// Everything read so far.
    private(set) var received = ""

    init(port: Int, sending text: String) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { close(fd); throw POSIXError(.ECONNREFUSED) }
        let bytes = Array(text.utf8)
        guard bytes.isEmpty || send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else { close(fd); throw POSIXError(.EPIPE) }
    }

    deinit { close(fd) }

    /// Reads what has arrived without waiting; nil once the server has closed the connection.
    func drain() -> String? {
        var text = ""
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if n > 0 {
                let chunk = String(decoding: buffer[..<n], as: UTF8.self)
                text += chunk; received += chunk
                continue
            }
            if n == 0 { return nil }
            if errno == EAGAIN || errno == EWOULDBLOCK { return text }
            return nil   // reset
        }
    }
}

/// Waits (on a thread of its own, never the cooperative pool) until each client's connection is closed by the
/// server or `timeout` passes; returns the seconds from each client's opening to its close (nil: still open).
func closeTimes(_ clients: [RawClient], timeout: TimeInterval) async -> [TimeInterval?] {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread {
            var times = [TimeInterval?](repeating: nil, count: clients.count)
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline, times.contains(where: { $0 == nil }) {
                var fds = clients.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
                _ = poll(&fds, nfds_t(fds.count), 50)
                for (i, p) in fds.enumerated() where times[i] == nil && p.revents != 0 {
                    if clients[i].drain() == nil { times[i] = Date().timeIntervalSince(clients[i].opened) }
                }
            }
            continuation.resume(returning: times)
        }
    }
}

/// Opens `count` clients that each send `text`, off the cooperative pool.
func openClients(_ count: Int, port: Int, sending text: String) async throws -> [RawClient] {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try (0..<count).map { _ in try RawClient(port: port, sending: text) } })
        }
    }
}

/// curl's answer to `GET /healthz` and how long it took.
func healthz(_ base: String) async throws -> (body: String, seconds: TimeInterval) {
    let t0 = Date()
    let r = try await run("/usr/bin/curl", ["-s", "-m", "5", "\(base)/healthz"])
    return (r.output, Date().timeIntervalSince(t0))
}

func port(_ base: String) -> Int { Int(base.split(separator: ":").last!)! }

@Suite(.serialized) struct SlowClientTests {
    static let halfHead = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow"
    static let short = ListenerLimits(requestHead: .seconds(1), requestBody: .seconds(1), idle: .seconds(2), maxConnections: 256)

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")))
    func halfSentRequestHeadsAreClosedAfterTheHeadTimeoutWhileHealthzAnswers() async throws {
        // Given the listener with a 3 s head timeout,
        let f = try LinksFixture()
        var limits = Self.short
        limits.requestHead = .seconds(3)
        let (times, health) = try await withLiveListener({ try f.app(limits: limits, onServerRunning: $0) }) { base in
            // when 150 clients each send half a request head and then nothing,
            let slow = try await openClients(150, port: port(base), sending: Self.halfHead)
            // /healthz still answers at once,
            let health = try await healthz(base)
            // and every slow client is closed by the server.
            let times = await closeTimes(slow, timeout: 9)
            return (times, health)
        }
        #expect(health.body == "ok\n")
        #expect(health.seconds < 5, "healthz took \(health.seconds) s")   // while all 150 were open
        let closed = times.compactMap { $0 }
        #expect(closed.count == 150, "\(150 - closed.count) connections still open after 9 s")
        // Not before the timeout (less 0.1 s of slack), and not long after it.
        #expect(closed.allSatisfy { $0 >= 2.9 && $0 < 8 }, "close times \(closed.min() ?? -1)...\(closed.max() ?? -1) s")
    }

    @Test func aSlowBodyIsCutAfterTheBodyTimeoutAndAnIdleKeptAliveConnectionAfterTheIdleTimeout() async throws {
        let f = try LinksFixture()
        let token = f.signer.token(.unsubscribe(memberID: 17, topic: "newsletter"))
        let (bodyTimes, idleTimes, answered) = try await withLiveListener({ try f.app(limits: Self.short, onServerRunning: $0) }) { base in
            // Given a POST that promises 100 bytes of body and sends 3,
            let slowBody = try await openClients(1, port: port(base), sending:
                "POST /u/\(token) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nLis")
            // and a keep-alive GET that is answered and then says nothing,
            let idle = try await openClients(1, port: port(base), sending: "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let bodyTimes = await closeTimes(slowBody, timeout: 5)
            let idleTimes = await closeTimes(idle, timeout: 5)
            return (bodyTimes, idleTimes, idle[0].received)
        }
        // then the slow body is closed after about 1 s, having changed nothing,
        let body = try #require(bodyTimes[0], "the slow body was never closed")
        #expect(body >= 0.9 && body < 2.5, "\(body) s")
        #expect(try f.suppressions() == [])
        // and the kept-alive connection after its 2 s of idleness, not at the 1 s head timeout.
        let idle = try #require(idleTimes[0], "the idle connection was never closed")
        #expect(idle >= 1.9 && idle < 3.5, "\(idle) s")
        #expect(answered.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(answered)")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")))
    func atTheConnectionCapTheOldestIdleConnectionsMakeRoomAndHealthzAnswers() async throws {
        // Given a cap of 8 connections and timeouts too long to matter here,
        let f = try LinksFixture()
        let capture = LogCapture()
        let limits = ListenerLimits(requestHead: .seconds(30), requestBody: .seconds(30), idle: .seconds(30), maxConnections: 8,
                                    closeForRoomAfter: .milliseconds(200))
        let (first, later, health) = try await withLiveListener({ try f.app(logger: capture.logger, limits: limits, onServerRunning: $0) }) { base in
            // when 8 slow clients fill it and 12 more arrive,
            let first = try await openClients(8, port: port(base), sending: Self.halfHead)
            try await Task.sleep(for: .milliseconds(300))
            let later = try await openClients(12, port: port(base), sending: Self.halfHead)
            // /healthz is still answered promptly,
            let health = try await healthz(base)
            try await Task.sleep(for: .milliseconds(300))
            return (await closeTimes(first, timeout: 0.5), await closeTimes(later, timeout: 0.5), health)
        }
        #expect(health.body == "ok\n")
        #expect(health.seconds < 2, "healthz took \(health.seconds) s")
        // because the oldest idle connections were closed to make room: all of the first eight,
        #expect(first.allSatisfy { $0 != nil }, "\(first)")
        // while the newest (at most the cap's worth) stay open, waiting for their timeout,
        let stillOpen = later.filter { $0 == nil }.count
        #expect(stillOpen >= 1 && stillOpen <= 8, "\(stillOpen) of the later 12 still open")
        // and the listener said so once, in one line, with ids only.
        let full = capture.messages.filter { $0.hasPrefix("links=full") }
        #expect(full.count == 1, "\(capture.messages)")
        #expect(full.first?.hasPrefix("links=full connections=") == true)
    }

    @Test func theStateMachineDecidesEveryDeadline() {
        var m = RequestDeadlines(limits: Self.short)
        #expect(m.opened() == .schedule(after: .seconds(1)))
        #expect(m.evictable)
        #expect(m.readHead() == .schedule(after: .seconds(1)))
        #expect(!m.evictable)
        #expect(m.readEnd() == .cancel)
        #expect(!m.evictable)
        // A pipelined second request read while the first is answered: its body deadline stands.
        #expect(m.readHead() == .schedule(after: .seconds(1)))
        #expect(m.wroteResponseEnd() == .nothing)
        #expect(m.readEnd() == .cancel)
        #expect(m.wroteResponseEnd() == .schedule(after: .seconds(2)))
        #expect(m.evictable)
        #expect(m.deadlinePassed() == .close)
    }

    @Test func theCapStaysWellBelowTheOpenFileLimit() {
        #expect(ListenerLimits.fitting(openFiles: 1_048_576).maxConnections == 1024)
        #expect(ListenerLimits.fitting(openFiles: 1024).maxConnections == 448)
        #expect(ListenerLimits.fitting(openFiles: 256).maxConnections == 64)
        #expect(ListenerLimits.fitting(openFiles: 256).closeForRoomAfter == .milliseconds(256))
        #expect(ListenerLimits.fitting(openFiles: 1024).closeForRoomAfter == .milliseconds(1792))
        #expect(ListenerLimits.fitting(openFiles: 100).maxConnections == 8)
        #expect(OpenFileLimit.raiseToHard() >= 256)
    }
}
