// muster send-test: one template, rendered for a member or sample data, sent now to an address you name.
import ArgumentParser
import Foundation
import MusterCore
import MusterDaemon

struct SendTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send-test",
        abstract: "Send one template to an address now, outside the outbox, with [test] in the subject.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The template's name (templates/NAME.mustache).")
    var template: String

    @Option(help: "Where to send it.")
    var to: String

    @Option(help: "Render it for this member (default: sample data).")
    var member: Int64?

    func run() async throws {
        let config = try global.loadConfig()
        let district = try District.load(config: config)
        let result: DeliveryResult
        do {
            result = try await district.sendTest(
                template: template, to: to, memberID: member, now: Date(), transport: try config.makeTransport())
        } catch let e as PreviewError {
            throw UserError(message: e.description)
        }
        switch result {
        case let .sent(reply): print("sent: \(TerminalText.visible(reply))")
        case let .deferred(reply, _): throw UserError(message: "not sent, try again later: \(reply)", status: ExitStatus.nothingDelivered)
        case let .failed(reply, _): throw UserError(message: "refused: \(reply)", status: ExitStatus.runtime)
        }
    }
}
