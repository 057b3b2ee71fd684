// A transport spec is read once (Config.parseTransport) and concurrency checked against one range.
import Foundation
import MusterCore
import MusterMail
import Testing

@Suite struct TransportSpecTests {
    @Test func makeMailTransportReadsSpecsAsTheConfigDoes() throws {
        let base = "/srv/muster"
        for spec in ["file:outbox/", "file://outbox", "file:///var/mail/out"] {
            let made = try makeMailTransport(spec, baseDirectory: base) as? FileTransport
            guard case let .file(directory)? = Config.parseTransport(spec, base: URL(fileURLWithPath: base, isDirectory: true))
            else { Issue.record("\(spec) did not parse"); continue }
            #expect(made?.directory == directory)
        }
        #expect(throws: MailConfigurationError("mail.transport: 'file:' needs a directory, e.g. file:outbox/")) {
            try makeMailTransport("file:")
        }
    }

    @Test func theTransportAllowsTheConcurrencyTheConfigAllowsAndNoMore() throws {
        _ = try SMTPTransport(SMTPSettings(url: "smtp://127.0.0.1:25", tls: .none, concurrency: 32), environment: [:])
        #expect(throws: MailConfigurationError("mail.concurrency: must be between 1 and 32 (got 33)")) {
            try SMTPTransport(SMTPSettings(url: "smtp://127.0.0.1:25", tls: .none, concurrency: 33), environment: [:])
        }
        #expect(throws: MailConfigurationError("mail.concurrency: must be between 1 and 32 (got 0)")) {
            try SMTPTransport(SMTPSettings(url: "smtp://127.0.0.1:25", tls: .none, concurrency: 0), environment: [:])
        }
    }
}
