// Test helpers for the daemon: a small district on disk, and the real `muster` binary run as a child process.
import Foundation
import MusterTestSupport
import Testing

/// The suites that run the real binary with a real SMTP server, one test at a time: each starts
/// Python and muster processes that keep both cores busy, and other suites' timing tests share them.
@Suite(.serialized) enum DaemonProcessTests {}

/// A district in a temporary folder: muster.yaml pointing at `transport`, one meeting-reminder rule
/// (the day before, no `at`: due exactly 24 h before the start), one welcome rule (`after: 0d`, no
/// `at`: due at once), one template.
struct DaemonDistrict {
    let dir: TemporaryDirectory
    var config: String { dir.file("muster.yaml") }
    var database: String { dir.file("muster.sqlite") }

    init(transport: String, concurrency: Int = 4, extraRules: [String: String] = [:]) throws {
        dir = try TemporaryDirectory()
        try dir.write("muster.yaml", """
            organisation: { name: Test District, timezone: Europe/London }
            database: muster.sqlite
            mail:
              from: "Test District <organising@example.org>"
              transport: \(transport)
              tls: none
              concurrency: \(concurrency)

            """)
        try dir.write("schedules/meeting.yaml", """
            kind: event
            events: { kind: meeting }
            recipients: invited
            topic: meetings
            steps:
              - { before: 1d, template: note }

            """)
        try dir.write("schedules/welcome.yaml", """
            kind: sequence
            anchor: joined_on
            topic: welcome
            steps:
              - { after: 0d, template: note }

            """)
        for (name, text) in extraRules { try dir.write("schedules/\(name).yaml", text) }
        try dir.write("templates/note.mustache", """
            ---
            subject: "Hello {{member.first_name}}"
            ---
            Hello {{member.first_name}}, from {{organisation.name}}.

            """)
        let r = try MusterBinary.run(["init", "--config", config], in: dir.path)
        guard r.status == 0 else { throw TestSupportError("muster init failed: \(r.stderr)") }
    }

    /// Runs SQL through the `sqlite3` command-line program: another process, as an import would be.
    @discardableResult
    func sql(_ statements: String) throws -> String {
        let r = try runProcess(["sqlite3", "-bail", "-cmd", ".timeout 30000", database, statements])
        guard r.status == 0 else { throw TestSupportError("sqlite3 failed: \(r.stderr)") }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `count` active members, ids 1..., addresses `mN@example.org`, joined long ago (no welcome due).
    func addMembers(_ count: Int) throws {
        try sql("""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(count))
            INSERT INTO members(id, membership_number, first_name, email, status, joined_on)
            SELECT i, 'N' || i, 'M' || i, 'm' || i || '@example.org', 'active', '2020-01-01' FROM n;
            """)
    }
}

/// `muster run` as a child process, its standard error going to a file the test can read as it grows.
final class DaemonProcess: @unchecked Sendable {
    let process = Process()
    let logPath: String

    init(_ district: DaemonDistrict, arguments: [String] = [], logName: String = "run.log", environment: [String: String] = [:]) throws {
        logPath = district.dir.file(logName)
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: try MusterBinary.require())
        process.arguments = ["run", "--config", district.config] + arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Waits until the log has a line containing `text`; throws with the log after `timeout` seconds.
    @discardableResult
    func waitForLog(_ text: String, timeout: TimeInterval = 20) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = log.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            if !process.isRunning { break }
            usleep(10_000)
        }
        throw TestSupportError("no log line with \"\(text)\" within \(timeout) s; the log:\n\(log)")
    }

    func signal(_ s: Int32) { kill(pid, s) }

    /// Waits for the process to end and returns its exit status; SIGKILLs it after `timeout`.
    @discardableResult
    func waitForExit(timeout: TimeInterval = 20) -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { if process.isRunning { kill(pid, SIGKILL) } }
}

/// Runs blocking work (waiting for a child process, polling files) on a thread of its own, so that
/// it neither holds one of the few cooperative threads other tests need nor waits for one: a test
/// that must act at a moment (a kill mid-delivery) does the whole sequence in one `offPool` block.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// Waits until `condition` holds, looking every 10 ms; false after `timeout` seconds. Blocking.
func eventually(_ timeout: TimeInterval, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(10_000)
    }
    return try condition()
}

// Async faces of the blocking helpers, preferred in async test bodies: the work runs `offPool`.
extension DaemonDistrict {
    static func make(transport: String, concurrency: Int = 4, extraRules: [String: String] = [:]) async throws -> DaemonDistrict {
        try await offPool { try DaemonDistrict(transport: transport, concurrency: concurrency, extraRules: extraRules) }
    }

    @discardableResult
    func sql(_ statements: String) async throws -> String {
        try await offPool { try self.sql(statements) }
    }

    func addMembers(_ count: Int) async throws {
        try await offPool { try self.addMembers(count) }
    }
}

/// Starts the test SMTP server (a Python process) off the cooperative pool.
func startTestServer(options: [String] = []) async throws -> SMTPTestServer {
    try await offPool { try SMTPTestServer(options: options) }
}

extension SMTPTestServer {
    /// `received()` read off the cooperative pool.
    func receivedOffPool() async throws -> [ReceivedMessage] {
        try await offPool { try self.received() }
    }
}
