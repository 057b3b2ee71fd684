// Runs the links application on a real socket on 127.0.0.1 (port 0) for the length of a test.
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// Starts `app` in a ServiceGroup, waits until it listens, passes its base URL to `body`, then shuts it down
/// gracefully (as the daemon's SIGTERM would).
func withLiveListener<A: ApplicationProtocol, T: Sendable>(
    _ makeApp: (@escaping @Sendable (Int) async -> Void) throws -> A,
    _ body: @escaping @Sendable (String) async throws -> T
) async throws -> T {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let app = try makeApp { port in continuation.yield(port) }
    let services = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "links-test")))
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await services.run() }
        var it = ports.makeAsyncIterator()
        guard let port = await it.next() else { throw CancellationError() }
        let result: T
        do { result = try await body("http://127.0.0.1:\(port)") } catch {
            await services.triggerGracefulShutdown()
            throw error
        }
        await services.triggerGracefulShutdown()
        try await group.waitForAll()
        return result
    }
}

/// Runs a program to its end and returns its standard output, standard error and exit status.
/// The wait happens on a dispatch thread, never on Swift's small cooperative pool, which the
/// listener's own handlers need meanwhile.
func run(_ executable: String, _ arguments: [String]) async throws -> (output: String, errors: String, status: Int32) {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try runBlocking(executable, arguments) })
        }
    }
}

private func runBlocking(_ executable: String, _ arguments: [String]) throws -> (output: String, errors: String, status: Int32) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    let out = Pipe()
    let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("muster-run-\(UUID().uuidString).err")
    _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errFile) }
    p.standardOutput = out
    p.standardError = try FileHandle(forWritingTo: errFile)
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let errors = (try? String(contentsOf: errFile, encoding: .utf8)) ?? ""
    return (String(decoding: data, as: UTF8.self), errors, p.terminationStatus)
}
