// muster console-password: reads the console's password and prints its bcrypt hash for console.password_hash_env.
import ArgumentParser
import Foundation
import MusterConsole

struct ConsolePasswordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console-password",
        abstract: "Read a password for the console and print its bcrypt hash.",
        discussion: """
            On a terminal it asks twice, without echo; from a pipe it reads one line. Put the hash it \
            prints in the environment variable console.password_hash_env names (MUSTER_CONSOLE_PASSWORD_HASH \
            by default), never in muster.yaml. The password itself is never stored or printed.
            """)

    static let minimumLength = 12

    func run() throws {
        let password: String
        if isatty(0) == 1 {
            let first = try Self.readHidden("Password for the console: ")
            let second = try Self.readHidden("The same again: ")
            guard first == second else { throw UserError(message: "console-password: the two passwords differ; nothing printed. Run it again.") }
            password = first
        } else {
            guard let line = readLine(strippingNewline: true) else {
                throw UserError(message: "console-password: nothing to read on standard input; pipe the password in, or run it on a terminal")
            }
            password = line
        }
        guard password.count >= Self.minimumLength else {
            throw UserError(message: "console-password: the password must be at least \(Self.minimumLength) characters (a few words make a good one)")
        }
        guard password.utf8.count <= 72 else {
            throw UserError(message: "console-password: the password must be at most 72 bytes (bcrypt ignores the rest)")
        }
        print(ConsoleCredentials.makeHash(password))
    }

    /// Reads a line from the terminal with echo off, restoring the terminal's settings afterwards.
    static func readHidden(_ prompt: String) throws -> String {
        FileHandle.standardError.write(Data(prompt.utf8))
        var saved = termios()
        tcgetattr(0, &saved)
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(0, TCSAFLUSH, &quiet)
        defer {
            tcsetattr(0, TCSAFLUSH, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        guard let line = readLine(strippingNewline: true) else { throw UserError(message: "console-password: no password read") }
        return line
    }
}
