// Tests/smtp/server.py with one more behaviour: greylisting, a 451 at the first RCPT to an address.
import Foundation
import MusterTestSupport

/// The test SMTP server (aiosmtpd) where a recipient whose local part is `greylist` is refused
/// once with `451 4.7.1 Greylisted, please try again later` and accepted on every later try, as a
/// greylisting relay does. Everything else behaves as in `Tests/smtp/server.py`.
final class GreylistSMTPServer: @unchecked Sendable {
    let port: Int
    let directory: TemporaryDirectory
    private let process: Process

    static let wrapper = """
        import asyncio, signal, sys
        sys.path.insert(0, sys.argv.pop(1))
        import server
        seen = set()
        original = server.Handler.handle_RCPT
        async def handle_RCPT(self, srv, session, envelope, address, options):
            if server.behaviour(address) == 'greylist' and address not in seen:
                seen.add(address)
                return '451 4.7.1 Greylisted, please try again later'
            return await original(self, srv, session, envelope, address, options)
        server.Handler.handle_RCPT = handle_RCPT
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
        asyncio.run(server.main())
        """

    init() throws {
        directory = try TemporaryDirectory()
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.wrapper, Repository.path("Tests/smtp"), "--dir", directory.path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard text.hasPrefix("PORT "), let p = Int(text.dropFirst(5).prefix { $0.isNumber }) else {
            kill(process.processIdentifier, SIGKILL)
            throw TestSupportError("the greylisting test server did not start: \(text)")
        }
        port = p
    }

    var url: String { "smtp://127.0.0.1:\(port)" }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    func received() throws -> [ReceivedMessage] {
        guard let data = FileManager.default.contents(atPath: directory.file("log.jsonl")) else { return [] }
        return try String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            try JSONDecoder().decode(ReceivedMessage.self, from: Data($0.utf8))
        }
    }

    func bytes(of message: ReceivedMessage) -> Data {
        FileManager.default.contents(atPath: directory.file(message.file)) ?? Data()
    }
}
