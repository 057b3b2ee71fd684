// The bounce mailbox over IMAP (imaps://host/INBOX): list, fetch, flag \Deleted, expunge, through libcurl.
import CCurl
import Foundation
import MusterCore

/// One IMAPS session with the bounce mailbox, on one libcurl handle (libcurl keeps the connection
/// and the login between the commands). TLS is always verified, peer and host name, against the
/// system's CAs plus `mail.ca_file` as for SMTP. Not thread-safe: one reader at a time.
///
///     let box = try CurlIMAPMailbox(url: "imaps://imap.example.org/INBOX", username: u, password: p, caFile: nil)
///     for uid in try box.uids() {
///         let (bytes, size) = try box.fetch(uid: uid, keep: 4 << 20)
///         ...; try box.delete(uid: uid)
///     }
///     try box.expunge()
public final class CurlIMAPMailbox: @unchecked Sendable {
    private let url: String
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let sink = BodySink()

    public init(url: String, username: String, password: String, caFile: String?, timeout: TimeInterval = 30) throws {
        SMTPTransport.initialiseLibcurl()
        guard url.lowercased().hasPrefix("imaps://") else {
            throw MailConfigurationError("mail.bounce_mailbox: must be an imaps:// address (TLS from the start)")
        }
        var u = url
        while u.hasSuffix("/") { u.removeLast() }
        self.url = u
        guard let h = curl_easy_init() else { throw MailConfigurationError("imap: libcurl could not create a handle (out of memory?)") }
        handle = h
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var rc = CURLE_OK
        func set(_ r: CURLcode) { if rc == CURLE_OK { rc = r } }
        set(muster_setopt_error_buffer(h, errorBuffer))
        set(muster_setopt_long(h, CURLOPT_NOSIGNAL, 1))
        set(muster_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 1))
        set(muster_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 2))
        set(muster_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, Int(timeout * 1000)))
        set(muster_setopt_long(h, CURLOPT_TIMEOUT_MS, Int(timeout * 4 * 1000)))
        set(muster_setopt_string(h, CURLOPT_USERNAME, username))
        set(muster_setopt_string(h, CURLOPT_PASSWORD, password))
        set(muster_setopt_write_function(h, imapWriteCallback))
        set(muster_setopt_pointer(h, CURLOPT_WRITEDATA, Unmanaged.passUnretained(sink).toOpaque()))
        if let caFile {
            let blob = try CABundle.combined(extraFile: caFile)
            set(blob.withUnsafeBytes { muster_setopt_blob(h, CURLOPT_CAINFO_BLOB, $0.baseAddress, $0.count) })
        }
        if rc != CURLE_OK {
            let why = String(cString: curl_easy_strerror(rc))
            curl_easy_cleanup(h); errorBuffer.deallocate()
            throw MailConfigurationError("imap: libcurl refused a setting: \(why) (curl \(rc.rawValue))")
        }
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// The UIDs of the messages in the mailbox (not those already flagged \Deleted), lowest first.
    public func uids() throws -> [Int] {
        let text = String(decoding: try perform(url: url, command: "UID SEARCH NOT DELETED", keep: 1 << 20).bytes, as: UTF8.self)
        var out: [Int] = []
        for line in text.split(whereSeparator: \.isNewline) where line.hasPrefix("* SEARCH") {
            out += line.dropFirst(8).split(separator: " ").compactMap { Int($0) }
        }
        return out.sorted()
    }

    /// The message's first `keep` bytes and its whole size.
    public func fetch(uid: Int, keep: Int) throws -> (bytes: [UInt8], size: Int) {
        try perform(url: "\(url)/;UID=\(uid)", command: nil, keep: keep)
    }

    /// Flags the message \Deleted.
    public func delete(uid: Int) throws {
        _ = try perform(url: url, command: "UID STORE \(uid) +FLAGS.SILENT (\\Deleted)", keep: 64 * 1024)
    }

    /// Removes the messages flagged \Deleted.
    public func expunge() throws {
        _ = try perform(url: url, command: "EXPUNGE", keep: 64 * 1024)
    }

    private func perform(url: String, command: String?, keep: Int) throws -> (bytes: [UInt8], size: Int) {
        sink.reset(keep: keep)
        errorBuffer[0] = 0
        var rc = muster_setopt_string(handle, CURLOPT_URL, url)
        if rc == CURLE_OK {
            rc = command.map { muster_setopt_string(handle, CURLOPT_CUSTOMREQUEST, $0) }
                ?? muster_setopt_pointer(handle, CURLOPT_CUSTOMREQUEST, nil)
        }
        if rc == CURLE_OK { rc = curl_easy_perform(handle) }
        guard rc == CURLE_OK else {
            var why = String(cString: errorBuffer)
            if why.isEmpty { why = String(cString: curl_easy_strerror(rc)) }
            throw IMAPError(description: "imap: \(why) (curl \(rc.rawValue))")
        }
        return (sink.bytes, sink.size)
    }
}

/// Why the mailbox could not be read this time (the next reading tries again). Never holds a credential.
public struct IMAPError: Error, CustomStringConvertible {
    public var description: String
}

/// Where a transfer's body goes: the first `keep` bytes, and the count of all.
final class BodySink {
    var bytes: [UInt8] = []
    var size = 0
    var keep = 0
    func reset(keep: Int) { bytes = []; size = 0; self.keep = keep }
}

let imapWriteCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    data, size, count, user in
    let n = size * count
    guard let data, let user else { return n }
    let sink = Unmanaged<BodySink>.fromOpaque(user).takeUnretainedValue()
    sink.size += n
    let room = sink.keep - sink.bytes.count
    if room > 0 {
        sink.bytes += UnsafeRawBufferPointer(start: data, count: min(n, room))
    }
    return n
}
