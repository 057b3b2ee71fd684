// The C callback libcurl calls while it opens an SMTP connection: watch the handshake.
import CCurl
import Foundation

/// What libcurl's handshake (greeting, EHLO, STARTTLS, EHLO again, AUTH) showed: the server's
/// last reply line and the extensions of the latest EHLO reply. Owned by one connection, touched
/// by one thread at a time.
final class HandshakeState {
    /// The last line the server sent (`535 5.7.8 Authentication failed`), without CRLF.
    var lastReply = ""
    /// The keywords of the latest EHLO reply, upper-cased (`PIPELINING`, `SIZE`, `STARTTLS`).
    var extensions: Set<String> = []
    private var inEHLOReply = false

    func reset() { lastReply = ""; extensions = []; inEHLOReply = false }

    fileprivate func serverLine(_ line: Substring) {
        lastReply = String(line.prefix(512))
        guard inEHLOReply, line.count >= 4 else { return }
        if line.hasPrefix("250") {
            let keyword = line.dropFirst(4).prefix { $0 != " " && $0 != "=" }.uppercased()
            // The first line of the reply is the server's name, not an extension; it cannot be
            // told apart by form, and a server named "PIPELINING" is not worth guarding against.
            if !keyword.isEmpty { extensions.insert(keyword) }
        }
        if line.dropFirst(3).first == " " { inEHLOReply = false }
    }

    fileprivate func clientCommand(_ head: String) {
        if head.uppercased().hasPrefix("EHLO") { extensions = []; inEHLOReply = true }
    }
}

/// `CURLOPT_DEBUGFUNCTION`: keeps the server's reply lines during the handshake and notes each
/// EHLO. Data (`CURLINFO_DATA_*`, `CURLINFO_SSL_DATA_*`) is ignored and never stored; the client's
/// commands are only looked at for EHLO (AUTH's credentials are never copied).
let curlDebugCallback: @convention(c) (UnsafeMutableRawPointer?, curl_infotype, UnsafeMutablePointer<CChar>?, Int, UnsafeMutableRawPointer?) -> Int32 = {
    _, kind, data, size, user in
    guard let data, let user, size > 0 else { return 0 }
    let state = Unmanaged<HandshakeState>.fromOpaque(user).takeUnretainedValue()
    if kind == CURLINFO_HEADER_IN {
        let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
        for line in text.split(whereSeparator: \.isNewline) where !line.isEmpty {
            state.serverLine(line)
        }
    } else if kind == CURLINFO_HEADER_OUT, size >= 4 {
        state.clientCommand(String(decoding: UnsafeRawBufferPointer(start: data, count: 4), as: UTF8.self))
    }
    return 0
}
