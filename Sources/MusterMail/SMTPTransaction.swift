// One message's SMTP mail transaction as a pure state machine: fed what the wire did, it says what
// to do next. `CurlSMTPConnection` carries the actions out; the tests drive it without a server.
import Foundation
import MusterCore

/// The mail transaction for one message (RFC 5321 3.3: `MAIL FROM`, `RCPT TO`, `DATA`, the data,
/// the final reply), with no I/O. Start it with `start(on:)`; every event (`connected`, `written`,
/// `received`, `failed`) returns the next `Action`, until `.finish` gives the message's result and
/// what becomes of the connection.
///
/// When the server offers PIPELINING (RFC 2920) the three commands go out together (or are
/// already on the wire, sent behind the previous message's data) and three replies are read;
/// without it each command waits for its reply. Every reply path, as the replies come:
///
/// | Replies (and faults)                          | Result                                          | Connection |
/// |-----------------------------------------------|-------------------------------------------------|------------|
/// | 250, 250, 354, data, 2xx/4xx/5xx              | the final reply classified (`DeliveryResult.classify`) | kept, the next envelope may follow the dot; closed after a 421 |
/// | MAIL refused (530, ...)                       | deferred, transport down, "... (the relay refused the sender, mail.from)" | `RSET`, kept |
/// | RCPT refused (550, 452, ...)                  | that reply classified, this message only        | `RSET`, kept |
/// | no 354 for DATA                               | that reply classified                           | `RSET`, kept (`.` first if a 354 came anyway) |
/// | a 421 before the data                         | that reply (a 421 to MAIL: as a refused sender) | closed |
/// | a fault or a lone 421 before the first reply, on a used connection | none yet: the idle connection was lost, nothing was delivered | reopened, tried once more, silently |
/// | a fault after some replies                    | the first refusal if any, else deferred "FAULT after \"LAST REPLY\"" | closed |
/// | a fault after the 354                         | deferred "FAULT after \"354 ...\""               | closed |
///
/// A fault is what the I/O saw: the server closed the connection, a timeout, a garbled reply.
/// Replies are kept in results with their addresses redacted.
///
///     var t = SMTPTransaction(message, then: nil)
///     t.start(on: nil)                                   // .connect
///     t.connected(pipelining: true)                      // .write("MAIL FROM:<...>\r\nRCPT TO:<...>\r\nDATA\r\n")
///     t.written()                                        // .readReply
///     t.received(SMTPReply(code: 250, line: "250 Ok"))   // .readReply (twice more, then the data)
struct SMTPTransaction {
    /// The connection the transaction starts on, as it is.
    struct Connection: Equatable {
        /// The server offered PIPELINING.
        var pipelining: Bool
        /// A transaction has finished on it before: a fault before the first reply is then an idle
        /// connection the server closed, not this message's fault.
        var used: Bool
        /// This message's MAIL, RCPT and DATA went out behind the previous message's data.
        var envelopeSent: Bool
    }

    /// What becomes of the connection when the transaction ends.
    enum Fate: Equatable {
        /// Kept for the next message; `nextInFlight` when the next message's MAIL, RCPT and DATA
        /// went out behind this message's data (its transaction must be the next on this connection).
        case keep(nextInFlight: Bool)
        /// Closed without `QUIT`: it cannot be trusted any more.
        case close
    }

    enum Action: Equatable {
        /// Open a connection, then `connected(pipelining:)`. A connection that cannot be opened is
        /// the result (the relay is down) and ends the transaction.
        case connect
        /// Close this connection and open a new one, then `connected(pipelining:)`: it was lost while
        /// idle, before the server took anything of this message.
        case reconnect
        /// Write these bytes, then `written()` (or `failed` when the connection fails).
        case write([UInt8])
        /// Read one reply, then `received(_:)` (or `failed`).
        case readReply
        /// The message's result; the transaction is over.
        case finish(DeliveryResult, Fate)
    }

    private enum State {
        case idle
        case connecting
        /// MAIL, RCPT and DATA: the replies so far.
        case envelope(replies: [SMTPReply])
        /// The data (and maybe the next envelope) written or being written, after this 354.
        case data(go: SMTPReply)
        /// Refused before the data: `RSET` (after an empty data when a 354 came) with `left` replies
        /// to read and ignore, then `result`.
        case cleanup(result: DeliveryResult, left: Int)
        case finished
    }

    private let message: OutgoingMessage
    private let next: OutgoingMessage?
    private var state = State.idle
    private var pipelining = false
    private var used = false
    private var reopened = false
    private var nextInFlight = false

    /// The transaction for `message`; with `next`, and a server that pipelines, `next`'s commands
    /// go out behind this message's data.
    init(_ message: OutgoingMessage, then next: OutgoingMessage?) {
        self.message = message
        self.next = next
    }

    /// Begins on `connection`, or with no connection open (nil). An address that could not be put
    /// on the wire safely fails the message without touching the connection.
    mutating func start(on connection: Connection?) -> Action {
        guard case .idle = state else { return unexpected("start") }
        guard MailAddress.isPlausible(message.sender) else {
            return finish(.failed(reply: "the sender address in mail.from is not a valid address", unknownUser: false),
                          .keep(nextInFlight: false))
        }
        guard MailAddress.isPlausible(message.recipient) else {
            return finish(.failed(reply: "the recipient address is not a valid address", unknownUser: false),
                          .keep(nextInFlight: false))
        }
        guard let connection else {
            state = .connecting
            return .connect
        }
        pipelining = connection.pipelining
        used = connection.used
        return beginEnvelope(alreadySent: connection.envelopeSent)
    }

    /// A new connection is open (after `.connect` or `.reconnect`).
    mutating func connected(pipelining: Bool) -> Action {
        guard case .connecting = state else { return unexpected("connected") }
        self.pipelining = pipelining
        used = false
        return beginEnvelope(alreadySent: false)
    }

    /// The bytes of the last `.write` are on the wire.
    mutating func written() -> Action {
        switch state {
        case .envelope, .data, .cleanup: return .readReply
        case .idle, .connecting, .finished: return unexpected("written")
        }
    }

    /// The reply the last `.readReply` asked for.
    mutating func received(_ reply: SMTPReply) -> Action {
        switch state {
        case .envelope(var replies):
            replies.append(reply)
            state = .envelope(replies: replies)
            if pipelining {
                // All three are on the wire: read every reply, unless the server is closing.
                if replies.count < 3 && reply.code != 421 { return .readReply }
            } else if replies.count < 3 && (reply.isPositive || reply.code == 354) {
                return .write(command(replies.count))
            }
            return afterEnvelope(replies)
        case .data:
            return finish(Self.classify(reply), reply.code == 421 ? .close : .keep(nextInFlight: nextInFlight))
        case .cleanup(let result, let left):
            if left > 1 {
                state = .cleanup(result: result, left: left - 1)
                return .readReply
            }
            return finish(result, .keep(nextInFlight: false))
        case .idle, .connecting, .finished:
            return unexpected("received")
        }
    }

    /// The connection failed (closed, timed out, garbled): `fault` says how, for the outbox.
    mutating func failed(_ fault: String) -> Action {
        switch state {
        case .envelope(let replies):
            if replies.isEmpty && used { return idleConnectionLost(fault) }
            if let refused = replies.first(where: { !$0.isPositive }) { return finish(Self.classify(refused), .close) }
            let after = replies.last.map { " after \"\(DeliveryResult.redactAddresses($0.line))\"" } ?? ""
            return finish(.deferred(reply: fault + after), .close)
        case .data(let go):
            return finish(.deferred(reply: "\(fault) after \"\(DeliveryResult.redactAddresses(go.line))\""), .close)
        case .cleanup(let result, _):
            return finish(result, .close)
        case .idle, .connecting, .finished:
            return unexpected("failed")
        }
    }

    // MARK: The steps

    private mutating func beginEnvelope(alreadySent: Bool) -> Action {
        state = .envelope(replies: [])
        guard pipelining else { return .write(command(0)) }
        if alreadySent { return .readReply }
        var out: [UInt8] = []
        SMTPWire.envelope(sender: message.sender, recipient: message.recipient, into: &out)
        return .write(out)
    }

    /// The envelope's command `i` when not pipelining: MAIL FROM, RCPT TO, DATA.
    private func command(_ i: Int) -> [UInt8] {
        switch i {
        case 0: Array("MAIL FROM:<\(message.sender)>\r\n".utf8)
        case 1: Array("RCPT TO:<\(message.recipient)>\r\n".utf8)
        default: Array("DATA\r\n".utf8)
        }
    }

    /// Every envelope reply is in, no fault: the data, or the end of this message's transaction.
    private mutating func afterEnvelope(_ replies: [SMTPReply]) -> Action {
        if replies.count == 1, replies[0].code == 421, used {
            // An idle connection the server is closing (a 421 timeout) before taking anything.
            return idleConnectionLost(DeliveryResult.redactAddresses(replies[0].line))
        }
        let go = replies.count == 3 && replies[2].code == 354
        guard let refused = replies.prefix(2).first(where: { !$0.isPositive }) ?? (go ? nil : replies.last) else {
            return beginData(go: replies[2])
        }
        // Refused before the data: this message only.
        let result: DeliveryResult
        if !replies[0].isPositive {
            // MAIL FROM refused: the envelope sender is always mail.from, so this is the relay
            // refusing muster (no AUTH, a sender it will not relay for), not this recipient.
            // Every message would get the same: defer them all and say why, fail none for good.
            let line = DeliveryResult.redactAddresses(refused.line)
            result = .deferred(reply: "\(line) (the relay refused the sender, mail.from)", transportDown: true)
        } else if refused.isPositive {
            // DATA answered with 2xx instead of 354: the data never went, so nothing was delivered.
            let line = DeliveryResult.redactAddresses(refused.line)
            result = .deferred(reply: "the server answered DATA with \"\(line)\" instead of 354")
        } else {
            result = Self.classify(refused)
        }
        if replies.contains(where: { $0.code == 421 }) { return finish(result, .close) }
        // End the transaction and keep the connection; a server that said 354 anyway gets empty data.
        state = .cleanup(result: result, left: go ? 2 : 1)
        return .write(Array(((go ? ".\r\n" : "") + "RSET\r\n").utf8))
    }

    /// The data, and behind it the next message's commands when the server pipelines.
    private mutating func beginData(go: SMTPReply) -> Action {
        state = .data(go: go)
        var out: [UInt8] = []
        SMTPWire.data(message.data, into: &out)
        if pipelining, let next, MailAddress.isPlausible(next.sender), MailAddress.isPlausible(next.recipient) {
            SMTPWire.envelope(sender: next.sender, recipient: next.recipient, into: &out)
            nextInFlight = true
        }
        return .write(out)
    }

    /// Nothing of this message reached the server: a new connection and one more try, then deferred.
    private mutating func idleConnectionLost(_ why: String) -> Action {
        if reopened { return finish(.deferred(reply: why), .close) }
        reopened = true
        nextInFlight = false
        state = .connecting
        return .reconnect
    }

    private mutating func finish(_ result: DeliveryResult, _ fate: Fate) -> Action {
        state = .finished
        return .finish(result, fate)
    }

    /// An event the transaction was not waiting for: a defect in the caller. The message is
    /// deferred and the connection closed rather than trusted.
    private mutating func unexpected(_ event: String) -> Action {
        return finish(.deferred(reply: "smtp: internal error (\(event) out of turn)"), .close)
    }

    static func classify(_ reply: SMTPReply) -> DeliveryResult {
        DeliveryResult.classify(code: reply.code, reply: DeliveryResult.redactAddresses(reply.line))
    }
}
