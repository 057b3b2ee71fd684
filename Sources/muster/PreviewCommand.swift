// muster preview: one message exactly as it would be sent (the full MIME message).
//
// The message goes to standard output byte for byte as it would go to the relay, not made visible: it
// is already safe for a terminal, since every header value is cleaned of control characters and
// encoded (HeaderEncoding) and every body part is quoted-printable, so the only control bytes in it are
// the CRLF line ends (and tabs). The note about a message muster would not send goes through `printError`.
import ArgumentParser
import Foundation
import MusterCore
import MusterDaemon

struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview", abstract: "Print a message as it would be sent: headers, text, HTML, calendar invite.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The rule (its schedule file's name).")
    var rule: String

    @Option(help: "The member's id.")
    var member: Int64

    @Option(help: "The step, from 1.")
    var step: Int = 1

    @Option(help: "The event (event rules); default the next one that fits.")
    var event: Int64?

    @Option(help: "The ballot (ballot rules); default the open one closing first.")
    var ballot: Int64?

    @Option(help: "Render as of this instant (ISO 8601 with a zone); default now.")
    var now: String?

    func validate() throws {
        if event != nil && ballot != nil { throw ValidationError("Please pass --event or --ballot, not both.") }
    }

    func run() throws {
        let config = try global.loadConfig()
        let district = try District.load(config: config)
        let result: PreviewResult
        do {
            result = try district.preview(
                ruleID: rule, memberID: member, step: step, eventID: event, ballotID: ballot, now: try parseNow(now),
                links: try makeLinks(config))
        } catch let e as PreviewError {
            throw UserError(message: e.description)
        }
        printError(Envelope(config: config, signer: try makeBounceSigner(config)).previewNote)
        if let why = result.wouldNotSend { printError("note: muster would not send this to member \(member): \(why)") }
        guard let bytes = result.message else { throw UserError(message: "no message for member \(member)") }
        FileHandle.standardOutput.write(bytes)
    }
}
