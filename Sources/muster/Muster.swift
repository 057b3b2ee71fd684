// The command line: one small command type per subcommand, global options shared, exit codes per DESIGN.md.
import ArgumentParser
import Foundation
import MusterCore
import MusterStore

struct Muster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "muster",
        abstract: "Keeps a union's members in the loop: plans, renders and delivers reminders.",
        discussion: """
            Exit codes: 0 success; 1 invalid input or configuration (the message names the file, line or \
            CSV row); 2 usage error; 3 a tick that could deliver nothing at all; 4 another runtime failure.
            """,
        version: "muster 0.1.0",
        subcommands: MusterCommands.all
    )
}

/// Exit statuses of DESIGN.md "Command line".
enum ExitStatus {
    static let invalidInput: Int32 = 1
    static let usage: Int32 = 2
    static let nothingDelivered: Int32 = 3
    static let runtime: Int32 = 4
}

@main
enum Main {
    static func main() async {
        let arguments = GlobalOptions.hoist(Array(CommandLine.arguments.dropFirst()), subcommands: MusterCommands.names)
        let command: ParsableCommand
        do {
            command = try Muster.parseAsRoot(arguments)
        } catch {
            let code = Muster.exitCode(for: error)
            let message = Muster.fullMessage(for: error)
            if code == .success {
                print(message)
                exit(0)
            }
            FileHandle.standardError.write(Data((message + "\n").utf8))
            exit(ExitStatus.usage)
        }
        do {
            if var c = command as? AsyncParsableCommand {
                try await c.run()
            } else {
                var c = command
                try c.run()
            }
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch {
            // `muster` alone (or `muster --help` reaching the root's run) asks for help: print it.
            if Muster.exitCode(for: error) == .success {
                print(Muster.fullMessage(for: error))
                exit(0)
            }
            report(DatabaseErrors.naming(error, for: command))
        }
        exit(0)
    }

    /// Prints an error for a person and exits with the status its kind calls for.
    static func report(_ error: any Error) -> Never {
        let (text, status) = describe(error)
        // Errors quote the input they refuse (a CSV value, a template line): never a raw control character.
        FileHandle.standardError.write(Data(("muster: " + TerminalText.visibleLines(text) + "\n").utf8))
        exit(status)
    }

    static func describe(_ error: any Error) -> (String, Int32) {
        switch error {
        case let e as InputError: return (e.description, ExitStatus.invalidInput)
        case let e as InputErrors: return (e.description, ExitStatus.invalidInput)
        case let e as ImportError: return (e.description, ExitStatus.invalidInput)
        case let e as CSVError: return (e.description, ExitStatus.invalidInput)
        case let e as DemoError: return (e.description, ExitStatus.invalidInput)
        case let e as StoreError: return (e.description, e.exitStatus)
        case let e as UserError: return (e.message, e.status)
        case let e as ValidationError: return (e.message, ExitStatus.usage)
        default: return ("\(error)", ExitStatus.runtime)
        }
    }
}

/// An error meant for the person at the terminal, with the exit status it calls for.
struct UserError: Error {
    var message: String
    var status: Int32 = ExitStatus.invalidInput
}
