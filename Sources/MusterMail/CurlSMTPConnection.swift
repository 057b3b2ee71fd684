// One SMTP connection: libcurl opens it (TCP, TLS, EHLO, STARTTLS, AUTH); muster runs the mail
// transactions on it, pipelined when the server offers PIPELINING.
import CCurl
import Foundation
import MusterCore
#if canImport(Glibc)
import Glibc
#endif

/// One connection to the relay, reused message after message.
///
/// libcurl does the parts that are hard to get right: connecting with timeouts, implicit TLS or
/// STARTTLS with certificate verification, EHLO and AUTH (`CURLOPT_CONNECT_ONLY`). Then muster
/// speaks the mail transaction itself over libcurl's connection (`curl_easy_send` and
/// `curl_easy_recv`), because libcurl's own SMTP transfer waits for each reply before the next
/// command. When the server offers PIPELINING (RFC 2920), `MAIL FROM`, `RCPT TO` and `DATA` go
/// out together, and the next message's three commands follow the end of this message's data:
/// one round trip a message instead of four. Without PIPELINING each command waits for its reply.
///
/// Each reply is checked: a refused `MAIL` or `RCPT` fails or defers this message only (with
/// `RSET` after it), and the connection stays. When the server closes the connection or stops
/// answering, the message in flight is deferred and the connection is opened again for the
/// next. A connection the server closed while it sat idle is opened again once, silently.
/// Not thread-safe: one worker uses it at a time.
final class CurlSMTPConnection: @unchecked Sendable {
    private let url: String
    private let settings: SMTPSettings
    private let credentials: SMTPCredentials?
    private let caBlob: Data?
    private let handshake = HandshakeState()
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var handle: UnsafeMutableRawPointer?
    private var socket: Int32 = -1
    private var reader = SMTPReplyReader()
    private var receiveBuffer = [UInt8](repeating: 0, count: 32 * 1024)
    private var output: [UInt8] = []
    /// True when the server offered PIPELINING on this connection.
    private(set) var pipelining = false
    /// The message whose MAIL, RCPT and DATA went out behind the previous message's data, their
    /// replies not yet read.
    private var envelopeInFlight: Int64?
    /// Transactions finished on this connection: a fault before the first reply of a
    /// transaction on a connection that has already been used is a server closing an idle connection.
    private var transactions = 0

    /// Checks that libcurl takes the settings; connects only when a message is sent.
    init(url: String, settings: SMTPSettings, credentials: SMTPCredentials?, caBlob: Data?) throws {
        SMTPTransport.initialiseLibcurl()
        self.url = url; self.settings = settings; self.credentials = credentials; self.caBlob = caBlob
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        do {
            handle = try makeHandle()
        } catch {
            errorBuffer.deallocate()
            throw error
        }
    }

    deinit {
        disconnect(quit: true)
        errorBuffer.deallocate()
    }

    /// A new easy handle with every option set, ready for `curl_easy_perform` to connect.
    private func makeHandle() throws -> UnsafeMutableRawPointer {
        guard let h = curl_easy_init() else {
            throw MailConfigurationError("smtp: libcurl could not create a handle (out of memory?)")
        }
        let me = Unmanaged.passUnretained(handshake).toOpaque()
        var rc = CURLE_OK
        func set(_ r: CURLcode) { if rc == CURLE_OK { rc = r } }
        set(muster_setopt_string(h, CURLOPT_URL, url))
        set(muster_setopt_long(h, CURLOPT_CONNECT_ONLY, 1))
        set(muster_setopt_debug_function(h, curlDebugCallback))
        set(muster_setopt_pointer(h, CURLOPT_DEBUGDATA, me))
        set(muster_setopt_long(h, CURLOPT_VERBOSE, 1))
        set(muster_setopt_error_buffer(h, errorBuffer))
        set(muster_setopt_long(h, CURLOPT_NOSIGNAL, 1))
        set(muster_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 1))
        set(muster_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 2))
        let useSSL: curl_usessl = switch settings.tls {
        case .required: CURLUSESSL_ALL
        case .opportunistic: CURLUSESSL_TRY
        case .none: CURLUSESSL_NONE
        }
        if url.hasPrefix("smtp://") { set(muster_setopt_long(h, CURLOPT_USE_SSL, Int(useSSL.rawValue))) }
        set(muster_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, Int(settings.connectTimeout * 1000)))
        set(muster_setopt_long(h, CURLOPT_SERVER_RESPONSE_TIMEOUT, max(1, Int(settings.responseTimeout.rounded(.up)))))
        set(muster_setopt_long(h, CURLOPT_TCP_KEEPALIVE, 1))
        set(muster_setopt_long(h, CURLOPT_TCP_NODELAY, 1))
        if let caBlob {
            set(caBlob.withUnsafeBytes { muster_setopt_blob(h, CURLOPT_CAINFO_BLOB, $0.baseAddress, $0.count) })
        }
        if let credentials {
            set(muster_setopt_string(h, CURLOPT_USERNAME, credentials.username))
            set(muster_setopt_string(h, CURLOPT_PASSWORD, credentials.password))
        }
        if rc != CURLE_OK {
            let why = String(cString: curl_easy_strerror(rc))
            curl_easy_cleanup(h)
            throw MailConfigurationError("smtp: libcurl refused a setting: \(why) (curl \(rc.rawValue))")
        }
        return h
    }

    // MARK: Sending

    /// One SMTP transaction for `message`, classified: see `DeliveryResult`. When `next` is given
    /// and the server pipelines, `next`'s commands go out behind this message's data, and the
    /// following call must be for `next`. `SMTPTransaction` decides every step; this carries them out.
    func send(_ message: OutgoingMessage, then next: OutgoingMessage?) -> DeliveryResult {
        if let waiting = envelopeInFlight, waiting != message.id {
            // The worker moved on without the message whose commands are on the wire: start clean.
            disconnect(quit: false)
        }
        var transaction = SMTPTransaction(message, then: next)
        var action = transaction.start(on: socket < 0 ? nil : SMTPTransaction.Connection(
            pipelining: pipelining, used: transactions > 0, envelopeSent: envelopeInFlight == message.id))
        envelopeInFlight = nil
        while true {
            switch action {
            case .connect, .reconnect:
                if action == .reconnect { disconnect(quit: false) }
                if let down = connect() { return down }
                action = transaction.connected(pipelining: pipelining)
            case .write(let bytes):
                do {
                    try write(bytes)
                    action = transaction.written()
                } catch {
                    action = transaction.failed(Self.text(of: error))
                }
            case .readReply:
                do {
                    action = transaction.received(try readReply())
                } catch {
                    action = transaction.failed(Self.text(of: error))
                }
            case .finish(let result, let fate):
                switch fate {
                case .keep(let nextInFlight): envelopeInFlight = nextInFlight ? next?.id : nil
                case .close: disconnect(quit: false)
                }
                transactions += 1
                return result
            }
        }
    }

    /// The connection cannot be used any more (closed, timed out, garbled): why, for the outbox.
    private struct Fault: Error {
        let text: String
    }

    private static func text(of error: any Error) -> String {
        (error as? Fault)?.text ?? "\(error)"
    }

    // MARK: The connection

    /// Opens the connection with libcurl; nil on success, else every message's result: the relay cannot be used.
    private func connect() -> DeliveryResult? {
        if handle == nil {
            do { handle = try makeHandle() } catch { return .deferred(reply: "\(error)", transportDown: true) }
        }
        guard let h = handle else { return .deferred(reply: "smtp: no libcurl handle", transportDown: true) }
        handshake.reset()
        errorBuffer[0] = 0
        let rc = curl_easy_perform(h)
        if rc != CURLE_OK {
            let curlText = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(rc))
            var reply = DeliveryResult.redactAddresses(curlText) + " (curl \(rc.rawValue))"
            let last = DeliveryResult.redactAddresses(handshake.lastReply)
            if let code = Int(last.prefix(3)), code >= 400 { reply = "\(last); \(reply)" }
            curl_easy_cleanup(h)
            handle = nil
            return .deferred(reply: reply, transportDown: true)
        }
        _ = muster_setopt_long(h, CURLOPT_VERBOSE, 0)
        socket = muster_active_socket(h)
        if socket < 0 {
            curl_easy_cleanup(h)
            handle = nil
            return .deferred(reply: "smtp: libcurl connected but gave no socket", transportDown: true)
        }
        pipelining = handshake.extensions.contains("PIPELINING")
        reader = SMTPReplyReader()
        envelopeInFlight = nil
        transactions = 0
        return nil
    }

    /// Closes the connection (after `QUIT` when `quit` and nothing is half done) and frees the
    /// handle; the next `send` connects again.
    private func disconnect(quit: Bool) {
        if quit, socket >= 0, envelopeInFlight == nil, !reader.hasPartialReply {
            if (try? write(Array("QUIT\r\n".utf8))) != nil {
                _ = try? readReply(timeout: min(settings.responseTimeout, 2))
            }
        }
        if let h = handle { curl_easy_cleanup(h) }
        handle = nil
        socket = -1
        envelopeInFlight = nil
        transactions = 0
    }

    private func write(_ bytes: [UInt8]) throws {
        guard let h = handle, socket >= 0 else { throw Fault(text: "smtp: not connected") }
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                var n = 0
                let rc = curl_easy_send(h, raw.baseAddress! + offset, raw.count - offset, &n)
                if rc == CURLE_AGAIN {
                    try wait(for: Int16(POLLOUT), timeout: settings.responseTimeout, doing: "sending")
                    continue
                }
                guard rc == CURLE_OK else {
                    throw Fault(text: "the connection failed while sending: \(String(cString: curl_easy_strerror(rc))) (curl \(rc.rawValue))")
                }
                offset += n
            }
        }
    }

    private func readReply(timeout: TimeInterval? = nil) throws -> SMTPReply {
        guard let h = handle, socket >= 0 else { throw Fault(text: "smtp: not connected") }
        let limit = timeout ?? settings.responseTimeout
        let deadline = Date().addingTimeInterval(limit)
        while true {
            do {
                if let reply = try reader.next() { return reply }
            } catch let bad as SMTPReplyReader.Malformed {
                throw Fault(text: bad.description)
            }
            var n = 0
            let rc = receiveBuffer.withUnsafeMutableBytes { curl_easy_recv(h, $0.baseAddress, $0.count, &n) }
            if rc == CURLE_AGAIN {
                let left = deadline.timeIntervalSinceNow
                if left <= 0 { throw timedOut(limit) }
                try wait(for: Int16(POLLIN), timeout: left, doing: "waiting for a reply", limit: limit)
                continue
            }
            guard rc == CURLE_OK else {
                throw Fault(text: "the connection failed: \(String(cString: curl_easy_strerror(rc))) (curl \(rc.rawValue))")
            }
            if n == 0 { throw Fault(text: "the server closed the connection") }
            receiveBuffer.withUnsafeBytes { reader.feed(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
    }

    private func timedOut(_ limit: TimeInterval) -> Fault {
        Fault(text: "no reply from the server within \(Int(limit.rounded())) s")
    }

    /// Waits until the socket is ready for `events`, or throws after `timeout` seconds.
    private func wait(for events: Int16, timeout: TimeInterval, doing: String, limit: TimeInterval? = nil) throws {
        var pfd = pollfd(fd: socket, events: events, revents: 0)
        let ms = Int32(max(1, min(timeout * 1000, Double(Int32.max))))
        let r = poll(&pfd, 1, ms)
        if r == 0 {
            if events == Int16(POLLIN) { throw timedOut(limit ?? timeout) }
            throw Fault(text: "the server took nothing for \(Int(timeout.rounded())) s while \(doing)")
        }
        if r < 0 && errno != EINTR {
            throw Fault(text: "poll failed while \(doing): \(String(cString: strerror(errno)))")
        }
    }
}

extension CurlSMTPConnection {
    /// True when `message`'s commands are already on the wire, so its transaction must be finished
    /// on this connection.
    func hasCommandsInFlight(for message: OutgoingMessage) -> Bool { envelopeInFlight == message.id }
}
