// Not a test: serves the links for bench/links-load.sh until told to stop. Runs only when
// MUSTER_LINKS_BENCH_DIR is set (the script sets it); until `muster run` exists this is the listener's harness.
import Foundation
import Logging
import MusterCore
import MusterStore
import Testing
@testable import MusterLinks

@Suite struct BenchServer {
    static let env = ProcessInfo.processInfo.environment

    /// Writes `tokens.txt` (one `/u/{token}` path a line, members 1...N, topic newsletter) in the folder,
    /// serves on 127.0.0.1:$MUSTER_LINKS_BENCH_PORT (default 8025) with a fresh `bench.sqlite`, and stops when
    /// the file `stop` appears in the folder (or after 10 minutes).
    @Test(.enabled(if: env["MUSTER_LINKS_BENCH_DIR"] != nil))
    func serveForBenchmark() async throws {
        let dir = URL(fileURLWithPath: Self.env["MUSTER_LINKS_BENCH_DIR"]!)
        let port = Self.env["MUSTER_LINKS_BENCH_PORT"] ?? "8025"
        let members = Int(Self.env["MUSTER_LINKS_BENCH_MEMBERS"] ?? "") ?? 20_000
        let store = try Store(path: dir.appendingPathComponent("bench.sqlite").path)
        let signer = LinkSigner(secrets: try LinkSecrets(["bench-secret-0123456789-0123456789-0123456789"]), baseURL: nil)
        // Each member has one queued newsletter message, so each POST also suppresses a row.
        try await store.pool.write { db in
            for m in 1...members {
                try db.execute(sql: """
                    INSERT INTO muster_outbox(dedupe_key, rule, step, member_id, topic, due_at, next_attempt_at,
                        message_id, created_at, updated_at)
                    VALUES (?, 'reps-weekly', 0, ?, 'newsletter', '2030-01-01T07:00:00Z', '2030-01-01T07:00:00Z', ?,
                        '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')
                    """, arguments: ["bench-\(m)", m, "<bench-\(m)@example.org>"])
            }
        }
        let paths = (1...members).map { "/u/" + signer.token(.unsubscribe(memberID: Int64($0), topic: "newsletter")) }
        try (paths.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("tokens.txt"), atomically: true, encoding: .utf8)
        var logger = Logger(label: "links-bench")
        logger.logLevel = .warning
        let stop = dir.appendingPathComponent("stop").path
        _ = try await withLiveListener({ ready in
            try makeLinksApplication(
                config: LinksConfig(listen: "127.0.0.1:\(port)"), store: store, signer: signer,
                organisation: Organisation(name: "Bench NEU", timezone: "Europe/London"), logger: logger,
                onServerRunning: ready)
        }) { _ in
            let deadline = Date().addingTimeInterval(600)
            while !FileManager.default.fileExists(atPath: stop), Date() < deadline {
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }
}
