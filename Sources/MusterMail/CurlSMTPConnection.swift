// One libcurl easy handle speaking SMTP: one connection, reused message after message.
import CCurl
import Foundation
import MusterCore

/// A libcurl easy handle set up once for the relay. Each `send` is one SMTP transaction (one
/// recipient); the connection stays open between them, and libcurl reconnects by itself when the
/// server has closed it. Not thread-safe: one worker uses it at a time.
final class CurlSMTPConnection: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let state = TransferState()
    // Strings handed to curl_easy_setopt are copied by libcurl; these keep nothing alive.

    init(url: String, settings: SMTPSettings, credentials: SMTPCredentials?, caBlob: Data?) throws {
        SMTPTransport.initialiseLibcurl()
        guard let h = curl_easy_init() else {
            throw MailConfigurationError("smtp: libcurl could not create a handle (out of memory?)")
        }
        handle = h
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let me = Unmanaged.passUnretained(state).toOpaque()
        var rc = CURLE_OK
        func set(_ r: CURLcode) { if rc == CURLE_OK { rc = r } }
        set(muster_setopt_string(h, CURLOPT_URL, url))
        set(muster_setopt_long(h, CURLOPT_UPLOAD, 1))
        set(muster_setopt_read_function(h, curlReadCallback))
        set(muster_setopt_pointer(h, CURLOPT_READDATA, me))
        set(muster_setopt_debug_function(h, curlDebugCallback))
        set(muster_setopt_pointer(h, CURLOPT_DEBUGDATA, me))
        set(muster_setopt_long(h, CURLOPT_VERBOSE, 1))
        set(muster_setopt_error_buffer(h, errorBuffer))
        set(muster_setopt_long(h, CURLOPT_NOSIGNAL, 1))
        set(muster_setopt_long(h, CURLOPT_CRLF, 0))
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
        set(muster_setopt_long(h, CURLOPT_LOW_SPEED_LIMIT, 1))
        set(muster_setopt_long(h, CURLOPT_LOW_SPEED_TIME, max(1, Int(settings.responseTimeout.rounded(.up)))))
        set(muster_setopt_long(h, CURLOPT_TCP_KEEPALIVE, 1))
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
            errorBuffer.deallocate()
            throw MailConfigurationError("smtp: libcurl refused a setting: \(why) (curl \(rc.rawValue))")
        }
    }

    deinit {
        curl_easy_cleanup(handle)   // sends QUIT on an open connection
        errorBuffer.deallocate()
    }

    /// One SMTP transaction for `message`, classified: see `DeliveryResult`.
    func send(_ message: OutgoingMessage) -> DeliveryResult {
        guard MailAddress.isPlausible(message.sender) else {
            return .failed(reply: "the sender address in mail.from is not a valid address", unknownUser: false)
        }
        guard MailAddress.isPlausible(message.recipient) else {
            return .failed(reply: "the recipient address is not a valid address", unknownUser: false)
        }
        state.reset(message.data)
        errorBuffer[0] = 0
        guard let rcpt = curl_slist_append(nil, "<\(message.recipient)>") else {
            return .deferred(reply: "smtp: out of memory")
        }
        defer { curl_slist_free_all(rcpt) }
        _ = muster_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(message.sender)>")
        _ = muster_setopt_slist(handle, CURLOPT_MAIL_RCPT, rcpt)
        let rc = curl_easy_perform(handle)
        _ = muster_setopt_slist(handle, CURLOPT_MAIL_RCPT, nil)
        var code = 0
        _ = muster_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        let serverLine = DeliveryResult.redactAddresses(state.lastReply)
        if rc == CURLE_OK {
            return .sent(reply: serverLine.isEmpty ? "\(code)" : serverLine)
        }
        let curlText = errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(rc))
        let fault = DeliveryResult.redactAddresses(curlText) + " (curl \(rc.rawValue))"
        let down = !state.mailFromSent || CurlSMTPConnection.transportCodes.contains(rc.rawValue)
        if down {
            let reply = state.repliesSeen > 0 && code >= 400 ? "\(serverLine); \(fault)" : fault
            return .deferred(reply: reply, transportDown: true)
        }
        if (400..<600).contains(code), !serverLine.isEmpty, serverLine.hasPrefix(String(code)) {
            return DeliveryResult.classify(code: code, reply: serverLine)
        }
        if (500..<600).contains(code) {
            return .failed(reply: "\(code) \(fault)", unknownUser: false)
        }
        return .deferred(reply: serverLine.isEmpty ? fault : "\(fault) after \"\(serverLine)\"")
    }

    /// libcurl results that mean the relay cannot be used at all: resolving, connecting, TLS,
    /// certificates, STARTTLS refused, authentication.
    static let transportCodes: Set<UInt32> = [6, 7, 35, 51, 53, 54, 58, 59, 60, 64, 66, 67, 77, 80, 83, 90, 91, 94]
}
