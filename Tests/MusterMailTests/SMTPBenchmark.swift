import Foundation
import MusterCore
import MusterTestSupport
import MusterMail
import Testing

/// Throughput of SMTPTransport alone, for bench/smtp-baselines.sh. Runs only when
/// MUSTER_BENCH_SMTP=host:port names a sink (Postfix smtp-sink); prints `BENCH label|msg/s` lines.
@Suite struct SMTPBenchmark {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["MUSTER_BENCH_SMTP"] != nil))
    func sendsPrebuiltMessagesToASink() async throws {
        let env = ProcessInfo.processInfo.environment
        let target = env["MUSTER_BENCH_SMTP"]!
        let count = Int(env["MUSTER_BENCH_COUNT"] ?? "") ?? 20_000
        let text = String(repeating: String(repeating: "x", count: 76) + "\n", count: 24)
        let batch = (0..<count).map { i -> OutgoingMessage in
            let m = Fixture.message(to: MailAddress("sink@example.org", name: "Sink"), text: text, key: "bench/\(i)")
            return OutgoingMessage(id: Int64(i), sender: "bench@example.org", recipient: "sink@example.org",
                                   messageID: m.messageID, data: m.render())
        }
        for connections in [1, 4] {
            let smtp = try SMTPTransport(SMTPSettings(url: "smtp://\(target)", tls: .none, heloName: "bench.example.org",
                                                      concurrency: connections), environment: [:])
            let started = Date()
            let results = await smtp.send(batch)
            let secs = Date().timeIntervalSince(started)
            let sent = results.filter { if case .sent = $0 { true } else { false } }.count
            #expect(sent == count)
            print("BENCH muster SMTPTransport (debug), \(connections) connection(s)|\(Int(Double(sent) / secs))")
        }
    }
}
