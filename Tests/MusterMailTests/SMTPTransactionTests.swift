import Foundation
import MusterCore
@testable import MusterMail
import Testing

/// Every reply path of one message's SMTP transaction, without a server: the state machine is
/// driven by a scripted wire and its whole conversation is compared.
@Suite struct SMTPTransactionTests {
    /// What the server (or the network) does next, in order.
    enum Wire: Sendable {
        /// The reply to the next read.
        case reply(String)
        /// The next read fails.
        case fault(String)
        /// The next write fails.
        case writeFault(String)
    }

    /// One path: where the transaction starts, what the wire does, and what must come of it.
    struct Path: Sendable, CustomTestStringConvertible {
        var name: String
        /// The connection at the start; nil when none is open.
        var connection: SMTPTransaction.Connection?
        /// Whether a connection opened during the transaction offers PIPELINING.
        var reopensPipelining = true
        var next: OutgoingMessage? = nil
        var message: OutgoingMessage = SMTPTransactionTests.ann
        var wire: [Wire]
        /// The conversation: `connect`, `reconnect`, `> bytes written`, `< reply read`, `! fault`.
        var transcript: [String]
        var result: DeliveryResult
        var fate: SMTPTransaction.Fate
        var testDescription: String { name }
    }

    static let sender = "org@example.org"
    static let ann = OutgoingMessage(id: 1, sender: sender, recipient: "ann@example.com", messageID: "<1@x>", data: Data("Hi\n.x\n".utf8))
    static let bob = OutgoingMessage(id: 2, sender: sender, recipient: "bob@example.com", messageID: "<2@x>", data: Data("Yo\n".utf8))

    static let envelope = "> MAIL FROM:<org@example.org>\r\nRCPT TO:<ann@example.com>\r\nDATA\r\n"
    static let data = "> Hi\r\n..x\r\n.\r\n"
    static let mail = "> MAIL FROM:<org@example.org>\r\n", rcpt = "> RCPT TO:<ann@example.com>\r\n", dataCommand = "> DATA\r\n"
    static let rset = "> RSET\r\n"

    static let fresh: SMTPTransaction.Connection? = nil
    static let usedPipelining = SMTPTransaction.Connection(pipelining: true, used: true, envelopeSent: false)
    static let usedPlain = SMTPTransaction.Connection(pipelining: false, used: true, envelopeSent: false)
    static let envelopeOnTheWire = SMTPTransaction.Connection(pipelining: true, used: true, envelopeSent: true)
    static let unusedPipelining = SMTPTransaction.Connection(pipelining: true, used: false, envelopeSent: false)

    static let ok = Wire.reply("250 2.1.0 Ok"), go = Wire.reply("354 End data with <CR><LF>.<CR><LF>")
    static let queued = Wire.reply("250 2.0.0 Ok: queued as 7")
    static let sent = DeliveryResult.sent(reply: "250 2.0.0 Ok: queued as 7")
    static let closed = "the server closed the connection"
    static let happy = ["< 250 2.1.0 Ok", "< 250 2.1.0 Ok", "< 354 End data with <CR><LF>.<CR><LF>"]
    static let relayRefused = DeliveryResult.deferred(
        reply: "530 5.7.0 Authentication required (the relay refused the sender, mail.from)", transportDown: true)

    static let paths: [Path] = [
        // Delivered.
        Path(name: "pipelined, on a new connection", connection: fresh, wire: [ok, ok, go, queued],
             transcript: ["connect", envelope] + happy + [data, "< 250 2.0.0 Ok: queued as 7"],
             result: sent, fate: .keep(nextInFlight: false)),
        Path(name: "pipelined, the next message's envelope behind the data dot", connection: usedPipelining, next: bob,
             wire: [ok, ok, go, queued],
             transcript: [envelope] + happy
                + ["> Hi\r\n..x\r\n.\r\nMAIL FROM:<org@example.org>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n",
                   "< 250 2.0.0 Ok: queued as 7"],
             result: sent, fate: .keep(nextInFlight: true)),
        Path(name: "pipelined, this envelope already on the wire", connection: envelopeOnTheWire, wire: [ok, ok, go, queued],
             transcript: happy + [data, "< 250 2.0.0 Ok: queued as 7"], result: sent, fate: .keep(nextInFlight: false)),
        Path(name: "a next message that is not an address is not pipelined", connection: usedPipelining,
             next: OutgoingMessage(id: 2, sender: sender, recipient: "x@y>\r\nRCPT TO:<z@y", messageID: "<2@x>", data: Data()),
             wire: [ok, ok, go, queued], transcript: [envelope] + happy + [data, "< 250 2.0.0 Ok: queued as 7"],
             result: sent, fate: .keep(nextInFlight: false)),
        Path(name: "not pipelined: each command waits for its reply, nothing behind the data", connection: usedPlain, next: bob,
             wire: [ok, ok, go, queued],
             transcript: [mail, "< 250 2.1.0 Ok", rcpt, "< 250 2.1.0 Ok", dataCommand, "< 354 End data with <CR><LF>.<CR><LF>",
                          data, "< 250 2.0.0 Ok: queued as 7"],
             result: sent, fate: .keep(nextInFlight: false)),
        Path(name: "a new connection without PIPELINING", connection: fresh, reopensPipelining: false, wire: [ok, ok, go, queued],
             transcript: ["connect", mail, "< 250 2.1.0 Ok", rcpt, "< 250 2.1.0 Ok", dataCommand,
                          "< 354 End data with <CR><LF>.<CR><LF>", data, "< 250 2.0.0 Ok: queued as 7"],
             result: sent, fate: .keep(nextInFlight: false)),
        // The final reply, classified.
        Path(name: "5xx after the data", connection: usedPipelining, wire: [ok, ok, go, .reply("554 5.6.0 Message rejected as spam")],
             transcript: [envelope] + happy + [data, "< 554 5.6.0 Message rejected as spam"],
             result: .failed(reply: "554 5.6.0 Message rejected as spam", unknownUser: false), fate: .keep(nextInFlight: false)),
        Path(name: "4xx after the data", connection: usedPipelining, next: bob,
             wire: [ok, ok, go, .reply("451 4.3.0 Local error in processing")],
             transcript: [envelope] + happy
                + ["> Hi\r\n..x\r\n.\r\nMAIL FROM:<org@example.org>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n",
                   "< 451 4.3.0 Local error in processing"],
             result: .deferred(reply: "451 4.3.0 Local error in processing"), fate: .keep(nextInFlight: true)),
        // MAIL refused: the relay refuses muster, every message would get the same.
        Path(name: "MAIL refused, pipelined: all three replies read, RSET, kept", connection: usedPipelining,
             wire: [.reply("530 5.7.0 Authentication required"), .reply("503 5.5.1 Error: need MAIL command"),
                    .reply("503 5.5.1 Error: need RCPT command"), ok],
             transcript: [envelope, "< 530 5.7.0 Authentication required", "< 503 5.5.1 Error: need MAIL command",
                          "< 503 5.5.1 Error: need RCPT command", rset, "< 250 2.1.0 Ok"],
             result: relayRefused, fate: .keep(nextInFlight: false)),
        Path(name: "MAIL refused, not pipelined: RSET, kept", connection: usedPlain,
             wire: [.reply("530 5.7.0 Authentication required"), ok],
             transcript: [mail, "< 530 5.7.0 Authentication required", rset, "< 250 2.1.0 Ok"],
             result: relayRefused, fate: .keep(nextInFlight: false)),
        Path(name: "MAIL refused with an address in the reply", connection: usedPlain,
             wire: [.reply("553 5.7.1 <org@example.org>: Sender address rejected"), ok],
             transcript: [mail, "< 553 5.7.1 <org@example.org>: Sender address rejected", rset, "< 250 2.1.0 Ok"],
             result: .deferred(reply: "553 5.7.1 <address>: Sender address rejected (the relay refused the sender, mail.from)",
                               transportDown: true),
             fate: .keep(nextInFlight: false)),
        // RCPT refused: this message only.
        Path(name: "RCPT refused, pipelined: RSET, kept", connection: usedPipelining,
             wire: [ok, .reply("550 5.1.1 <ann@example.com>: Recipient address rejected: User unknown"),
                    .reply("554 5.5.1 Error: no valid recipients"), ok],
             transcript: [envelope, "< 250 2.1.0 Ok", "< 550 5.1.1 <ann@example.com>: Recipient address rejected: User unknown",
                          "< 554 5.5.1 Error: no valid recipients", rset, "< 250 2.1.0 Ok"],
             result: .failed(reply: "550 5.1.1 <address>: Recipient address rejected: User unknown", unknownUser: true),
             fate: .keep(nextInFlight: false)),
        Path(name: "RCPT refused, not pipelined: RSET, kept", connection: usedPlain,
             wire: [ok, .reply("452 4.2.2 Mailbox full"), ok],
             transcript: [mail, "< 250 2.1.0 Ok", rcpt, "< 452 4.2.2 Mailbox full", rset, "< 250 2.1.0 Ok"],
             result: .deferred(reply: "452 4.2.2 Mailbox full"), fate: .keep(nextInFlight: false)),
        Path(name: "DATA answered 250 instead of 354: deferred, not sent; RSET, kept", connection: usedPipelining,
             wire: [ok, ok, .reply("250 2.0.0 Ok"), ok],
             transcript: [envelope, "< 250 2.1.0 Ok", "< 250 2.1.0 Ok", "< 250 2.0.0 Ok", rset, "< 250 2.1.0 Ok"],
             result: .deferred(reply: "the server answered DATA with \"250 2.0.0 Ok\" instead of 354"),
             fate: .keep(nextInFlight: false)),
        Path(name: "RCPT refused but 354 anyway: empty data, then RSET", connection: usedPipelining,
             wire: [ok, .reply("554 5.7.1 Relay access denied"), go, .reply("554 5.5.1 Error: no valid recipients"), ok],
             transcript: [envelope, "< 250 2.1.0 Ok", "< 554 5.7.1 Relay access denied", "< 354 End data with <CR><LF>.<CR><LF>",
                          "> .\r\nRSET\r\n", "< 554 5.5.1 Error: no valid recipients", "< 250 2.1.0 Ok"],
             result: .failed(reply: "554 5.7.1 Relay access denied", unknownUser: false), fate: .keep(nextInFlight: false)),
        // No 354.
        Path(name: "no 354, pipelined: RSET, kept", connection: usedPipelining,
             wire: [ok, ok, .reply("451 4.3.0 Try again"), ok],
             transcript: [envelope, "< 250 2.1.0 Ok", "< 250 2.1.0 Ok", "< 451 4.3.0 Try again", rset, "< 250 2.1.0 Ok"],
             result: .deferred(reply: "451 4.3.0 Try again"), fate: .keep(nextInFlight: false)),
        Path(name: "no 354, not pipelined: RSET, kept", connection: usedPlain,
             wire: [ok, ok, .reply("503 5.5.1 Error: need RCPT command"), ok],
             transcript: [mail, "< 250 2.1.0 Ok", rcpt, "< 250 2.1.0 Ok", dataCommand, "< 503 5.5.1 Error: need RCPT command",
                          rset, "< 250 2.1.0 Ok"],
             result: .failed(reply: "503 5.5.1 Error: need RCPT command", unknownUser: false), fate: .keep(nextInFlight: false)),
        // 421: the server is closing.
        Path(name: "421 to MAIL on a new connection: the relay is down", connection: unusedPipelining,
             wire: [.reply("421 4.3.0 Too busy")],
             transcript: [envelope, "< 421 4.3.0 Too busy"],
             result: .deferred(reply: "421 4.3.0 Too busy (the relay refused the sender, mail.from)", transportDown: true),
             fate: .close),
        Path(name: "421 to RCPT, pipelined: no more reads, closed", connection: usedPipelining,
             wire: [ok, .reply("421 4.3.0 Service shutting down, try later")],
             transcript: [envelope, "< 250 2.1.0 Ok", "< 421 4.3.0 Service shutting down, try later"],
             result: .deferred(reply: "421 4.3.0 Service shutting down, try later"), fate: .close),
        Path(name: "421 to RCPT, not pipelined: closed", connection: usedPlain,
             wire: [ok, .reply("421 4.3.0 Service shutting down, try later")],
             transcript: [mail, "< 250 2.1.0 Ok", rcpt, "< 421 4.3.0 Service shutting down, try later"],
             result: .deferred(reply: "421 4.3.0 Service shutting down, try later"), fate: .close),
        Path(name: "421 to DATA: closed", connection: usedPipelining,
             wire: [ok, ok, .reply("421 4.3.0 Bye")],
             transcript: [envelope, "< 250 2.1.0 Ok", "< 250 2.1.0 Ok", "< 421 4.3.0 Bye"],
             result: .deferred(reply: "421 4.3.0 Bye"), fate: .close),
        Path(name: "421 after the data: closed, the next envelope forgotten", connection: usedPipelining, next: bob,
             wire: [ok, ok, go, .reply("421 4.3.0 Closing after data")],
             transcript: [envelope] + happy
                + ["> Hi\r\n..x\r\n.\r\nMAIL FROM:<org@example.org>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n",
                   "< 421 4.3.0 Closing after data"],
             result: .deferred(reply: "421 4.3.0 Closing after data"), fate: .close),
        Path(name: "a lone 421 on a used connection: an idle timeout, reopened silently", connection: usedPipelining,
             wire: [.reply("421 4.4.2 Idle timeout"), ok, ok, go, queued],
             transcript: [envelope, "< 421 4.4.2 Idle timeout", "reconnect", envelope] + happy
                + [data, "< 250 2.0.0 Ok: queued as 7"],
             result: sent, fate: .keep(nextInFlight: false)),
        // Faults before the first reply.
        Path(name: "a used connection lost while idle: reopened once, silently", connection: usedPipelining,
             wire: [.fault(closed), ok, ok, go, queued],
             transcript: [envelope, "! " + closed, "reconnect", envelope] + happy + [data, "< 250 2.0.0 Ok: queued as 7"],
             result: sent, fate: .keep(nextInFlight: false)),
        Path(name: "lost with this envelope behind the last dot: sent again on the new connection", connection: envelopeOnTheWire,
             reopensPipelining: false, wire: [.fault(closed), ok, ok, go, queued],
             transcript: ["! " + closed, "reconnect", mail, "< 250 2.1.0 Ok", rcpt, "< 250 2.1.0 Ok", dataCommand,
                          "< 354 End data with <CR><LF>.<CR><LF>", data, "< 250 2.0.0 Ok: queued as 7"],
             result: sent, fate: .keep(nextInFlight: false)),
        Path(name: "a write to a used connection fails: reopened", connection: usedPlain,
             wire: [.writeFault("the connection failed while sending: Broken pipe"), ok, ok, go, queued],
             transcript: [mail, "! the connection failed while sending: Broken pipe", "reconnect", envelope] + happy
                + [data, "< 250 2.0.0 Ok: queued as 7"],
             result: sent, fate: .keep(nextInFlight: false)),
        Path(name: "lost again on the reopened connection: deferred, not reopened twice", connection: usedPipelining,
             wire: [.fault(closed), .fault(closed)],
             transcript: [envelope, "! " + closed, "reconnect", envelope, "! " + closed],
             result: .deferred(reply: closed), fate: .close),
        Path(name: "a fault before the first reply on a new connection: deferred", connection: fresh,
             wire: [.fault("no reply from the server within 2 s")],
             transcript: ["connect", envelope, "! no reply from the server within 2 s"],
             result: .deferred(reply: "no reply from the server within 2 s"), fate: .close),
        // Faults after some replies.
        Path(name: "a fault after MAIL's reply: deferred after it", connection: usedPipelining,
             wire: [.reply("250 2.1.0 <org@example.org> Ok"), .fault("no reply from the server within 2 s")],
             transcript: [envelope, "< 250 2.1.0 <org@example.org> Ok", "! no reply from the server within 2 s"],
             result: .deferred(reply: "no reply from the server within 2 s after \"250 2.1.0 <address> Ok\""), fate: .close),
        Path(name: "a fault after a refusal: the refusal", connection: usedPipelining,
             wire: [ok, .reply("550 5.1.1 User unknown"), .fault(closed)],
             transcript: [envelope, "< 250 2.1.0 Ok", "< 550 5.1.1 User unknown", "! " + closed],
             result: .failed(reply: "550 5.1.1 User unknown", unknownUser: true), fate: .close),
        Path(name: "a fault after the 354: deferred after it", connection: usedPipelining, next: bob,
             wire: [ok, ok, go, .fault(closed)],
             transcript: [envelope] + happy
                + ["> Hi\r\n..x\r\n.\r\nMAIL FROM:<org@example.org>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n", "! " + closed],
             result: .deferred(reply: "the server closed the connection after \"354 End data with <CR><LF>.<CR><LF>\""),
             fate: .close),
        Path(name: "the data cannot be written: deferred after the 354", connection: usedPipelining,
             wire: [ok, ok, go, .writeFault("the server took nothing for 2 s while sending")],
             transcript: [envelope] + happy + [data, "! the server took nothing for 2 s while sending"],
             result: .deferred(reply: "the server took nothing for 2 s while sending after \"354 End data with <CR><LF>.<CR><LF>\""),
             fate: .close),
        Path(name: "a fault during RSET: the refusal stands, closed", connection: usedPlain,
             wire: [ok, .reply("452 4.2.2 Mailbox full"), .fault(closed)],
             transcript: [mail, "< 250 2.1.0 Ok", rcpt, "< 452 4.2.2 Mailbox full", rset, "! " + closed],
             result: .deferred(reply: "452 4.2.2 Mailbox full"), fate: .close),
        // Addresses that cannot go on the wire.
        Path(name: "a recipient that is not an address: failed, the connection untouched", connection: usedPipelining,
             message: OutgoingMessage(id: 1, sender: sender, recipient: "v@x.com>\r\nRCPT TO:<x@example.com", messageID: "<1@x>", data: Data()),
             wire: [], transcript: [],
             result: .failed(reply: "the recipient address is not a valid address", unknownUser: false), fate: .keep(nextInFlight: false)),
        Path(name: "a sender that is not an address: failed before connecting", connection: fresh,
             message: OutgoingMessage(id: 1, sender: "org@example.org>", recipient: "ann@example.com", messageID: "<1@x>", data: Data()),
             wire: [], transcript: [],
             result: .failed(reply: "the sender address in mail.from is not a valid address", unknownUser: false),
             fate: .keep(nextInFlight: false)),
    ]

    @Test(arguments: paths)
    func eachReplyPath(_ path: Path) {
        var t = SMTPTransaction(path.message, then: path.next)
        var wire = path.wire[...]
        var transcript: [String] = []
        var action = t.start(on: path.connection)
        for _ in 0..<100 {
            switch action {
            case .connect, .reconnect:
                transcript.append(action == .connect ? "connect" : "reconnect")
                action = t.connected(pipelining: path.reopensPipelining)
            case .write(let bytes):
                transcript.append("> " + String(decoding: bytes, as: UTF8.self))
                if case .writeFault(let why)? = wire.first {
                    wire.removeFirst()
                    transcript.append("! " + why)
                    action = t.failed(why)
                } else {
                    action = t.written()
                }
            case .readReply:
                switch wire.popFirst() {
                case .reply(let line)?:
                    transcript.append("< " + line)
                    action = t.received(SMTPReply(code: Int(line.prefix(3))!, line: line))
                case .fault(let why)?:
                    transcript.append("! " + why)
                    action = t.failed(why)
                case .writeFault?, nil:
                    Issue.record("a read the script does not expect, after \(transcript)")
                    return
                }
            case .finish(let result, let fate):
                #expect(transcript == path.transcript)
                #expect(result == path.result)
                #expect(fate == path.fate)
                #expect(wire.isEmpty, "left on the wire: \(wire)")
                return
            }
        }
        Issue.record("no finish after 100 actions: \(transcript)")
    }

    @Test func anEventOutOfTurnIsNotTrusted() {
        // Given a transaction that has finished (a lone 421 to MAIL on an unused connection)
        var t = SMTPTransaction(Self.ann, then: nil)
        #expect(t.start(on: SMTPTransaction.Connection(pipelining: true, used: false, envelopeSent: true)) == .readReply)
        #expect(t.received(SMTPReply(code: 421, line: "421 Bye"))
                == .finish(.deferred(reply: "421 Bye (the relay refused the sender, mail.from)", transportDown: true), .close))
        // When the caller feeds it another event, then the message is deferred and the connection closed
        #expect(t.received(SMTPReply(code: 250, line: "250 Ok"))
                == .finish(.deferred(reply: "smtp: internal error (received out of turn)"), .close))
        #expect(t.written() == .finish(.deferred(reply: "smtp: internal error (written out of turn)"), .close))
    }
}
