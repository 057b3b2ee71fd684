// A real SMTP server for tests: Tests/smtp/server.py (aiosmtpd) on a free loopback port.
import Foundation

/// One message the test server accepted (a line of its `log.jsonl`).
public struct ReceivedMessage: Sendable, Hashable, Decodable {
    public var seq: Int
    /// The client's port: the same for messages sent over one connection.
    public var peer: Int
    public var mailFrom: String
    public var rcptTos: [String]
    public var messageID: String?
    public var file: String
    public var tls: Bool
    public var auth: String?
    /// The client sent `RCPT TO` without waiting for the reply to `MAIL FROM` (RFC 2920 pipelining).
    public var pipelined: Bool

    enum CodingKeys: String, CodingKey {
        case seq, peer, mailFrom = "mail_from", rcptTos = "rcpt_tos", messageID = "message_id", file, tls, auth, pipelined
    }
}

/// Starts `python3 Tests/smtp/server.py` with `options` (see that file), waits until it listens,
/// and stops it on `stop()` or when released.
///
///     let server = try SMTPTestServer()
///     // send to smtp://127.0.0.1:\(server.port)
///     let got = try server.received()
public final class SMTPTestServer: @unchecked Sendable {
    public let port: Int
    public let directory: TemporaryDirectory
    private let process: Process

    public init(options: [String] = []) throws {
        directory = try TemporaryDirectory()
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Repository.path("Tests/smtp/server.py"), "--dir", directory.path] + options
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard text.hasPrefix("PORT "), let p = Int(text.dropFirst(5).prefix { $0.isNumber }) else {
            kill(process.processIdentifier, SIGKILL)
            let why = String(decoding: err.fileHandleForReading.availableData, as: UTF8.self)
            throw TestSupportError("Tests/smtp/server.py did not start: \(text) \(why)")
        }
        port = p
    }

    public var url: String { "smtp://127.0.0.1:\(port)" }

    public func stop() {
        // SIGKILL: the test runner's threads block SIGTERM, and a child inherits that mask.
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }

    /// The messages accepted so far, in order.
    public func received() throws -> [ReceivedMessage] {
        guard let data = FileManager.default.contents(atPath: directory.file("log.jsonl")) else { return [] }
        return try String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            try JSONDecoder().decode(ReceivedMessage.self, from: Data($0.utf8))
        }
    }

    /// The bytes of a received message.
    public func bytes(of message: ReceivedMessage) -> Data {
        FileManager.default.contents(atPath: directory.file(message.file)) ?? Data()
    }

    /// A self-signed certificate for `127.0.0.1` and `localhost`, made with `openssl req -x509`.
    public static func makeCertificate(in dir: TemporaryDirectory) throws -> (cert: String, key: String) {
        let cert = dir.file("cert.pem"), key = dir.file("key.pem")
        let r = try runProcess(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                                "-days", "2", "-subj", "/CN=127.0.0.1",
                                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
        guard r.status == 0 else { throw TestSupportError("openssl failed: \(r.stderr)") }
        return (cert, key)
    }
}

/// Why a test helper could not do its work.
public struct TestSupportError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

/// Runs a program to its end; returns its exit status and output.
public func runProcess(_ arguments: [String], input: Data? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = arguments
    let out = Pipe(), err = Pipe(), inp = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = inp
    try p.run()
    if let input { inp.fileHandleForWriting.write(input) }
    try? inp.fileHandleForWriting.close()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

/// Parses each file with Python's `email` package (`policy.default`) and returns one line per file:
/// `NAME: ok` or `NAME: DEFECT, DEFECT` listing the defects found in any part or header.
public func pythonEmailDefects(_ paths: [String]) throws -> String {
    let script = """
        import sys
        from email import message_from_bytes, policy
        for path in sys.argv[1:]:
            m = message_from_bytes(open(path, 'rb').read(), policy=policy.default)
            found = []
            for part in m.walk():
                found += [type(d).__name__ for d in part.defects]
                for k, v in part.items():
                    found += [type(d).__name__ + '(' + k + ')' for d in getattr(v, 'defects', ())]
            print(path.rsplit('/', 1)[-1] + ': ' + (', '.join(found) if found else 'ok'))
        """
    let r = try runProcess(["python3", "-c", script] + paths)
    guard r.status == 0 else { throw TestSupportError("python3 email check failed: \(r.stderr)") }
    return r.stdout
}
