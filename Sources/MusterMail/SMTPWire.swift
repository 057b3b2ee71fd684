// The bytes of an SMTP mail transaction: replies read from the server, commands and data written to it.
import Foundation

/// One complete SMTP reply (RFC 5321 4.2): a three-digit code and its text lines.
struct SMTPReply: Sendable, Hashable {
    var code: Int
    /// The last line, as the server wrote it without CRLF (`250 2.0.0 Ok: queued as 1`), at most 512 characters.
    var line: String

    var isPositive: Bool { (200..<300).contains(code) }
}

/// Splits what the server sends into replies. A multi-line reply (`250-...` lines ending with a
/// `250 ...` line) is one reply. Accepts a bare LF as a line end, as lenient clients do.
///
///     var reader = SMTPReplyReader()
///     reader.feed(Array("250 2.1.0 Ok\r\n354 Go ahead\r\n".utf8))
///     try reader.next()   // SMTPReply(code: 250, ...), then 354, then nil (need more bytes)
struct SMTPReplyReader {
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    private var buffer: [UInt8] = []
    private var start = 0
    /// A reply longer than this (all its lines) is refused rather than buffered without end.
    static let maximumReply = 64 * 1024

    mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        if start > 0 && start == buffer.count { buffer.removeAll(keepingCapacity: true); start = 0 }
        buffer.append(contentsOf: bytes)
    }

    mutating func feed(_ bytes: [UInt8]) { bytes.withUnsafeBytes { feed($0) } }

    /// The next complete reply, or nil when more bytes are needed.
    mutating func next() throws -> SMTPReply? {
        var lineStart = start
        var i = start
        while i < buffer.count {
            guard buffer[i] == UInt8(ascii: "\n") else { i += 1; continue }
            var lineEnd = i
            if lineEnd > lineStart && buffer[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            let line = buffer[lineStart..<lineEnd]
            guard line.count >= 3, line.prefix(3).allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  line.count == 3 || line[line.startIndex + 3] == UInt8(ascii: " ") || line[line.startIndex + 3] == UInt8(ascii: "-")
            else {
                throw Malformed(description: "the server sent a line that is not an SMTP reply")
            }
            if line.count == 3 || line[line.startIndex + 3] == UInt8(ascii: " ") {
                let code = line.prefix(3).reduce(0) { $0 * 10 + Int($1 - 0x30) }
                let text = String(decoding: line.prefix(512), as: UTF8.self)
                start = i + 1
                if start > 4096 && start * 2 > buffer.count {
                    buffer.removeFirst(start); start = 0
                }
                return SMTPReply(code: code, line: text)
            }
            i += 1
            lineStart = i
        }
        if buffer.count - start > Self.maximumReply {
            throw Malformed(description: "the server's reply is longer than \(Self.maximumReply) bytes")
        }
        return nil
    }

    /// True when bytes are waiting that do not yet make a whole reply.
    var hasPartialReply: Bool { start < buffer.count }
}

/// What goes on the wire for a message.
enum SMTPWire {
    /// `MAIL FROM`, `RCPT TO` and `DATA` for one message, one recipient. The addresses must
    /// already have passed `MailAddress.isPlausible` (no spaces, brackets or line ends).
    static func envelope(sender: String, recipient: String, into out: inout [UInt8]) {
        out.append(contentsOf: Array("MAIL FROM:<\(sender)>\r\nRCPT TO:<\(recipient)>\r\nDATA\r\n".utf8))
    }

    /// The message as DATA content (RFC 5321 4.5.2): every line end CRLF (a bare CR or LF becomes
    /// CRLF, so no `\n.\n` can end the data early), a line that starts with `.` gets one more,
    /// the last line is ended, and `.` CRLF closes the data. Stored messages are CRLF already, so
    /// for them only the dots change.
    static func data(_ message: Data, into out: inout [UInt8]) {
        out.reserveCapacity(out.count + message.count + message.count / 64 + 8)
        let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n"), dot = UInt8(ascii: ".")
        message.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var atLineStart = true
            var i = 0
            let n = bytes.count
            while i < n {
                let b = bytes[i]
                if b == cr || b == lf {
                    out.append(cr); out.append(lf)
                    i += (b == cr && i + 1 < n && bytes[i + 1] == lf) ? 2 : 1
                    atLineStart = true
                    continue
                }
                if atLineStart && b == dot { out.append(dot) }
                // Copy the rest of the line in one go.
                var j = i
                while j < n && bytes[j] != cr && bytes[j] != lf { j += 1 }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<j]))
                i = j
                atLineStart = false
            }
            if !atLineStart { out.append(cr); out.append(lf) }
        }
        out.append(contentsOf: [dot, cr, lf])
    }
}
