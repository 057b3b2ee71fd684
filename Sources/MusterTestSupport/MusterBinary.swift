// The built `muster` executable, for tests that run the command line as a person would.
import Foundation

public enum MusterBinary {
    /// `muster` next to the test bundle (the same build), else `.build/debug/muster` in the repository.
    public static var path: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for dir in [beside, beside.deletingLastPathComponent()] {
            let p = dir.appendingPathComponent("muster").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return Repository.path(".build/debug/muster")
    }

    /// The path, or an error saying to build first.
    public static func require() throws -> String {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestSupportError("no muster binary at \(path): run `swift build` (or `swift build --build-tests`) before the tests")
        }
        return path
    }

    /// Runs `muster ARGS` in `directory` and returns its exit status and output.
    public static func run(_ arguments: [String], in directory: String, environment: [String: String] = [:]) throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        try runProgram(try require(), arguments, in: directory, environment: environment)
    }

    /// Runs `program ARGS` in `directory` with `environment` added to this process's, and returns
    /// its status and output (written to files, so that neither stream can fill and block).
    public static func runProgram(_ program: String, _ arguments: [String], in directory: String, environment: [String: String] = [:]) throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: program)
        p.arguments = arguments
        p.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let dir = try TemporaryDirectory()
        let outURL = dir.url.appendingPathComponent("out"), errURL = dir.url.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try out.close(); try err.close()
        return (p.terminationStatus,
                String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}
