import Foundation
import MusterCore
import MusterMail
import MusterTestSupport
import Testing

/// SMTP against a real server (Tests/smtp/server.py, aiosmtpd) started by each test.
@Suite struct SMTPTransportTests {
    static let sender = "organising@example.org"

    func outgoing(_ id: Int64, to address: String, name: String? = "Ann", text: String = "Hello\n", subject: String = "Welcome") -> OutgoingMessage {
        let m = Fixture.message(to: MailAddress(address, name: name), subject: subject, text: text, key: "test/\(id)")
        return OutgoingMessage(id: id, sender: Self.sender, recipient: address, messageID: m.messageID, data: m.render())
    }

    func transport(_ server: SMTPTestServer, tls: TLSMode = .none, caFile: String? = nil, concurrency: Int = 1,
                   rate: RateLimit? = nil, env: [String: String] = [:], timeout: TimeInterval = 2) throws -> SMTPTransport {
        try SMTPTransport(SMTPSettings(
            url: server.url, tls: tls, usernameEnv: env.isEmpty ? nil : "T_USER", passwordEnv: env.isEmpty ? nil : "T_PASS",
            caFile: caFile, heloName: "muster.test", concurrency: concurrency, rate: rate,
            connectTimeout: timeout, responseTimeout: timeout), environment: env)
    }

    @Test(arguments: [true, false])
    func deliversTheExactBytesOverOneReusedConnection(pipelining: Bool) async throws {
        // A long idle timeout: on a busy test run the second batch can come a minute after the
        // first (the pool is shared), and a server closing the connection then would prove nothing.
        let server = try SMTPTestServer(options: (pipelining ? [] : ["--no-pipelining"]) + ["--idle-timeout", "900"])
        let smtp = try transport(server)
        let batch = [outgoing(1, to: "ann@example.com"), outgoing(2, to: "bob@example.com"), outgoing(3, to: "cy@example.com")]
        let results = await smtp.send(batch)
        #expect(results == [.sent(reply: "250 2.0.0 Ok: queued as 1"), .sent(reply: "250 2.0.0 Ok: queued as 2"),
                            .sent(reply: "250 2.0.0 Ok: queued as 3")])
        let got = try server.received()
        #expect(got.map(\.rcptTos) == [["ann@example.com"], ["bob@example.com"], ["cy@example.com"]])
        #expect(got.map(\.mailFrom) == [Self.sender, Self.sender, Self.sender])
        #expect(got.map(\.messageID) == batch.map(\.messageID))
        #expect(Set(got.map(\.peer)).count == 1)
        #expect(got.map { server.bytes(of: $0) } == batch.map(\.data))
        // RCPT TO went out without waiting for MAIL FROM's reply only where the server offered PIPELINING.
        #expect(got.map(\.pipelined) == [pipelining, pipelining, pipelining])
        // A second batch uses the same connection still.
        _ = await smtp.send([outgoing(4, to: "dee@example.com")])
        #expect(Set(try server.received().map(\.peer)).count == 1)
    }

    @Test func hostileAndNonASCIIDataArrivesIntactAndClean() async throws {
        let server = try SMTPTestServer()
        let smtp = try transport(server)
        let long = String(repeating: "0123456789", count: 500)
        let body = "Zoë, première ligne\n.\n..two dots\n\(long)\nend\n"
        let results = await smtp.send([
            outgoing(1, to: "eve@example.com", name: "Eve\r\nBcc: victim@example.com", text: body, subject: "Réunion ✊ générale"),
        ])
        #expect(results == [.sent(reply: "250 2.0.0 Ok: queued as 1")])
        let got = try server.received()
        #expect(got.map(\.rcptTos) == [["eve@example.com"]])
        let path = server.directory.file(got[0].file)
        #expect(try pythonEmailDefects([path]) == "1.eml: ok\n")
        let script = """
            import sys; from email import message_from_bytes, policy
            m = message_from_bytes(open(sys.argv[1], 'rb').read(), policy=policy.default)
            print(repr(m['Bcc']), repr(str(m['To'])), repr(str(m['Subject'])))
            sys.stdout.write(m.get_content())
            """
        let r = try runProcess(["python3", "-c", script, path])
        // (the decoded body keeps the wire's CRLF line ends)
        #expect(r.stdout.replacingOccurrences(of: "\r\n", with: "\n") == "None '\"Eve Bcc: victim@example.com\" <eve@example.com>' 'Réunion ✊ générale'\n" + body)
    }

    @Test(arguments: [true, false])
    func eachReplyClassIsClassifiedAndFailsOnlyItsMessage(pipelining: Bool) async throws {
        let server = try SMTPTestServer(options: pipelining ? [] : ["--no-pipelining"])
        let smtp = try transport(server)
        let results = await smtp.send([
            outgoing(1, to: "rcpt421@example.com"), outgoing(2, to: "rcpt451@example.com"),
            outgoing(3, to: "rcpt452@example.com"), outgoing(4, to: "rcpt550@example.com"),
            outgoing(5, to: "rcpt554@example.com"), outgoing(6, to: "data451@example.com"),
            outgoing(7, to: "data554@example.com"), outgoing(8, to: "data421@example.com"),
            outgoing(9, to: "ok@example.com"), outgoing(10, to: "ok2@example.com"),
        ])
        #expect(results == [
            .deferred(reply: "421 4.3.0 Service shutting down, try later"),
            .deferred(reply: "451 4.7.1 Greylisted, please try again later"),
            .deferred(reply: "452 4.2.2 Mailbox full"),
            .failed(reply: "550 5.1.1 <address>: Recipient address rejected: User unknown", unknownUser: true),
            .failed(reply: "554 5.7.1 Relay access denied", unknownUser: false),
            .deferred(reply: "451 4.3.0 Local error in processing"),
            .failed(reply: "554 5.6.0 Message rejected as spam", unknownUser: false),
            .deferred(reply: "421 4.3.0 Closing after data"),
            .sent(reply: "250 2.0.0 Ok: queued as 1"),
            .sent(reply: "250 2.0.0 Ok: queued as 2"),
        ])
        let got = try server.received()
        #expect(got.map(\.rcptTos) == [["ok@example.com"], ["ok2@example.com"]])
        #expect(got[0].peer == got[1].peer)
    }

    @Test func aConnectionDroppedInDataIsDeferredAndTheNextMessageGoes() async throws {
        let server = try SMTPTestServer()
        let smtp = try transport(server)
        let results = await smtp.send([outgoing(1, to: "dropdata@example.com"), outgoing(2, to: "ok@example.com")])
        #expect(results[0] == .deferred(reply: "the server closed the connection after \"354 End data with <CR><LF>.<CR><LF>\""))
        #expect(results[1] == .sent(reply: "250 2.0.0 Ok: queued as 1"))
    }

    @Test func aServerStalledAfterTheDataTimesOutAndIsDeferred() async throws {
        let server = try SMTPTestServer()
        let smtp = try transport(server, timeout: 2)
        let (results, took) = await Self.timedOnTheWorker(smtp, [outgoing(1, to: "stalldata@example.com")])
        #expect(results[0] == .deferred(reply: "no reply from the server within 2 s after \"354 End data with <CR><LF>.<CR><LF>\""))
        #expect(took >= 1.9 && took < 10)
    }

    @Test func aConnectionTheServerClosedWhileIdleIsOpenedAgainSilently() async throws {
        let server = try SMTPTestServer(options: ["--idle-timeout", "0.5"])
        let smtp = try transport(server)
        #expect(await smtp.send([outgoing(1, to: "ann@example.com"), outgoing(2, to: "bob@example.com")])
                == [.sent(reply: "250 2.0.0 Ok: queued as 1"), .sent(reply: "250 2.0.0 Ok: queued as 2")])
        try await Task.sleep(for: .seconds(1.5))
        #expect(await smtp.send([outgoing(3, to: "cy@example.com")]) == [.sent(reply: "250 2.0.0 Ok: queued as 3")])
        let got = try server.received()
        #expect(got.map(\.rcptTos) == [["ann@example.com"], ["bob@example.com"], ["cy@example.com"]])
        #expect(got[0].peer == got[1].peer && got[1].peer != got[2].peer)
    }

    @Test func aServerThatNeverGreetsIsDownAndTheRestIsNotTried() async throws {
        let server = try SMTPTestServer(options: ["--stall-greeting"])
        let smtp = try transport(server, timeout: 3)
        let (results, took) = await Self.timedOnTheWorker(
            smtp, [outgoing(1, to: "a@example.com"), outgoing(2, to: "b@example.com"), outgoing(3, to: "c@example.com")])
        // Trying all three would take at least 3 × 3 s; one timeout, then the rest deferred untried, less.
        #expect(took < 9, "the last result came after \(took) s")
        #expect(results.allSatisfy { if case .deferred(let r, true) = $0 { r.hasSuffix("(curl 28)") } else { false } })
    }

    @Test func aRefusedConnectionDefersEverythingAsTransportDown() async throws {
        let server = try SMTPTestServer()
        let url = server.url
        server.stop()
        let smtp = try SMTPTransport(SMTPSettings(url: url, tls: .none, concurrency: 2, connectTimeout: 2), environment: [:])
        let results = await smtp.send([outgoing(1, to: "a@example.com"), outgoing(2, to: "b@example.com")])
        #expect(results.count == 2)
        #expect(results.allSatisfy { if case .deferred(let r, true) = $0 { r.hasSuffix("(curl 7)") } else { false } })
    }

    @Test func startTLSWithTheCertificateTrustedThroughCAFile() async throws {
        let certs = try TemporaryDirectory()
        let (cert, key) = try SMTPTestServer.makeCertificate(in: certs)
        let server = try SMTPTestServer(options: ["--tls-cert", cert, "--tls-key", key, "--require-tls"])
        // Trusted through ca_file: delivered over TLS.
        let trusted = try transport(server, tls: .required, caFile: cert)
        let batch = [outgoing(1, to: "ann@example.com"), outgoing(2, to: "bob@example.com"), outgoing(3, to: "cy@example.com")]
        #expect(await trusted.send(batch) == (1...3).map { .sent(reply: "250 2.0.0 Ok: queued as \($0)") })
        let got = try server.received()
        #expect(got.map(\.tls) == [true, true, true])
        #expect(got.map(\.pipelined) == [true, true, true])
        #expect(got.map { server.bytes(of: $0) } == batch.map(\.data))
        // Without it: refused, as the relay's certificate is unknown; nothing more is delivered.
        let untrusted = try transport(server, tls: .required)
        let results = await untrusted.send([outgoing(4, to: "dee@example.com")])
        guard case .deferred(let reply, true) = results[0] else { Issue.record("got \(results[0])"); return }
        #expect(reply.hasSuffix("(curl 60)"))
        #expect(try server.received().count == 3)
    }

    @Test func tlsRequiredRefusesAServerWithoutStartTLS() async throws {
        let server = try SMTPTestServer()
        let results = await (try transport(server, tls: .required)).send([outgoing(1, to: "ann@example.com")])
        guard case .deferred(let reply, true) = results[0] else { Issue.record("got \(results[0])"); return }
        #expect(reply.hasSuffix("(curl 64)"))
        let opportunistic = await (try transport(server, tls: .opportunistic)).send([outgoing(2, to: "ann@example.com")])
        #expect(opportunistic == [.sent(reply: "250 2.0.0 Ok: queued as 1")])
    }

    @Test func authenticatesWithCredentialsFromTheEnvironment() async throws {
        let certs = try TemporaryDirectory()
        let (cert, key) = try SMTPTestServer.makeCertificate(in: certs)
        let server = try SMTPTestServer(options: ["--tls-cert", cert, "--tls-key", key, "--require-tls", "--auth", "muster:s3cret-pw"])
        let good = try transport(server, tls: .required, caFile: cert, env: ["T_USER": "muster", "T_PASS": "s3cret-pw"])
        #expect(await good.send([outgoing(1, to: "ann@example.com")]) == [.sent(reply: "250 2.0.0 Ok: queued as 1")])
        #expect(try server.received().map(\.auth) == ["muster"])
        let bad = try transport(server, tls: .required, caFile: cert, env: ["T_USER": "muster", "T_PASS": "wrong-pw"])
        let results = await bad.send([outgoing(2, to: "ann@example.com")])
        guard case .deferred(let reply, true) = results[0] else { Issue.record("got \(results[0])"); return }
        #expect(reply.hasSuffix("(curl 67)"))
        #expect(!reply.contains("wrong-pw"))
    }

    @Test(arguments: [true, false])
    func aRelayThatRefusesTheSenderDefersEverythingAndFailsNothing(pipelining: Bool) async throws {
        // Given a relay that requires AUTH, and muster configured without credentials
        let server = try SMTPTestServer(options: ["--auth", "muster:s3cret-pw"] + (pipelining ? [] : ["--no-pipelining"]))
        let smtp = try transport(server)
        // When a batch goes
        let results = await smtp.send([outgoing(1, to: "ann@example.com"), outgoing(2, to: "bob@example.com")])
        // Then no message is failed for good: all are deferred as "transport down", with the relay's reason
        #expect(results.count == 2)
        for r in results {
            guard case .deferred(let reply, true) = r else { Issue.record("got \(r)"); continue }
            #expect(reply.hasPrefix("530 5.7.0 Authentication required"))
            #expect(reply.hasSuffix("(the relay refused the sender, mail.from)"))
        }
        #expect(try server.received().isEmpty)
    }

    @Test func concurrentConnectionsShareTheWork() async throws {
        let server = try SMTPTestServer()
        let smtp = try transport(server, concurrency: 4)
        let batch = (1...40).map { outgoing(Int64($0), to: "m\($0)@example.com") }
        let results = await smtp.send(batch)
        #expect(results.allSatisfy { if case .sent = $0 { true } else { false } })
        let got = try server.received()
        #expect(Set(got.flatMap(\.rcptTos)) == Set(batch.map(\.recipient)))
        #expect((2...4).contains(Set(got.map(\.peer)).count))
    }

    @Test func theRateLimitSpacesMessages() async throws {
        let server = try SMTPTestServer()
        let smtp = try transport(server, concurrency: 2, rate: RateLimit(count: 10, period: 1))
        let started = Date()
        let results = await smtp.send((1...4).map { outgoing(Int64($0), to: "m\($0)@example.com") })
        #expect(results.count == 4)
        #expect(Date().timeIntervalSince(started) >= 0.29)
    }

    @Test func aRecipientThatIsNotAnAddressFailsWithoutTouchingTheServer() async throws {
        let server = try SMTPTestServer()
        let smtp = try transport(server)
        let results = await smtp.send([outgoing(1, to: "victim@example.com>\r\nRCPT TO:<x@example.com"), outgoing(2, to: "ok@example.com")])
        #expect(results == [.failed(reply: "the recipient address is not a valid address", unknownUser: false),
                            .sent(reply: "250 2.0.0 Ok: queued as 1")])
        #expect(try server.received().map(\.rcptTos) == [["ok@example.com"]])
    }

    /// Sends `batch` and returns the results with the seconds from the start to the last result,
    /// timed where the worker settles each one (so a busy cooperative pool, which can delay the
    /// `await` resuming, does not count).
    static func timedOnTheWorker(_ smtp: SMTPTransport, _ batch: [OutgoingMessage]) async -> ([DeliveryResult], TimeInterval) {
        final class Times: @unchecked Sendable {
            let lock = NSLock()
            var results: [DeliveryResult?]
            var last = Date.distantPast
            init(_ n: Int) { results = Array(repeating: nil, count: n) }
        }
        let times = Times(batch.count)
        let started = Date()
        await smtp.send(batch) { i, r in times.lock.withLock { times.results[i] = r; times.last = Date() } }
        return times.lock.withLock { (times.results.map { $0 ?? .deferred(reply: "not settled") }, times.last.timeIntervalSince(started)) }
    }
}
