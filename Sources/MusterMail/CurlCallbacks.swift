// The C callbacks libcurl calls during an SMTP transfer: feed the message, watch the dialogue.
import CCurl
import Foundation

/// What one transfer reads from and learns: the bytes to upload, and the server's last reply line.
/// Owned by one connection, touched by one thread at a time.
final class TransferState {
    var upload = Data()
    var offset = 0
    /// The last line the server sent (`250 2.0.0 Ok: queued`), without CRLF.
    var lastReply = ""
    /// Lines from the server during this transfer.
    var repliesSeen = 0
    /// True once `MAIL FROM` went out in this transfer: a failure before it is the connection's,
    /// not the message's.
    var mailFromSent = false
    /// True once `QUIT` went out: the `221 Bye` that follows is not the reply that matters.
    var quitSent = false

    func reset(_ data: Data) {
        upload = data; offset = 0; lastReply = ""; repliesSeen = 0; mailFromSent = false; quitSent = false
    }
}

/// `CURLOPT_READFUNCTION`: copies the next part of the message into curl's buffer.
let curlReadCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    buffer, size, count, user in
    guard let buffer, let user else { return 0 }
    let state = Unmanaged<TransferState>.fromOpaque(user).takeUnretainedValue()
    let n = min(size * count, state.upload.count - state.offset)
    if n <= 0 { return 0 }
    state.upload.withUnsafeBytes { raw in
        let base = raw.baseAddress!.advanced(by: state.offset)
        UnsafeMutableRawPointer(buffer).copyMemory(from: base, byteCount: n)
    }
    state.offset += n
    return n
}

/// `CURLOPT_DEBUGFUNCTION`: keeps the server's last reply line and notes when `MAIL FROM` is sent.
/// Message data (`CURLINFO_DATA_OUT`) is ignored and never stored.
let curlDebugCallback: @convention(c) (UnsafeMutableRawPointer?, curl_infotype, UnsafeMutablePointer<CChar>?, Int, UnsafeMutableRawPointer?) -> Int32 = {
    _, kind, data, size, user in
    guard let data, let user, size > 0 else { return 0 }
    let state = Unmanaged<TransferState>.fromOpaque(user).takeUnretainedValue()
    if kind == CURLINFO_HEADER_IN, !state.quitSent {
        let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
        for line in text.split(whereSeparator: \.isNewline) where !line.isEmpty {
            state.lastReply = String(line.prefix(512))
            state.repliesSeen += 1
        }
    } else if kind == CURLINFO_HEADER_OUT, size >= 9 {
        let head = String(decoding: UnsafeRawBufferPointer(start: data, count: 9), as: UTF8.self)
        if head.uppercased() == "MAIL FROM" { state.mailFromSent = true }
    } else if kind == CURLINFO_HEADER_OUT, size >= 4 {
        let head = String(decoding: UnsafeRawBufferPointer(start: data, count: 4), as: UTF8.self)
        if head.uppercased() == "QUIT" { state.quitSent = true }
    }
    return 0
}
