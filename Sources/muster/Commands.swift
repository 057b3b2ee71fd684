// The list of subcommands, in the order `muster --help` shows them.
import ArgumentParser

enum MusterCommands {
    static let all: [ParsableCommand.Type] = [
        InitCommand.self,
        ImportCommand.self,
        CheckCommand.self,
        PlanCommand.self,
        TickCommand.self,
        PreviewCommand.self,
        StatusCommand.self,
        SendTestCommand.self,
        RunCommand.self,
        PauseCommand.self, ResumeCommand.self, ExplainCommand.self,
        ReportCommand.self, ConsolePasswordCommand.self, BounceCommand.self,
    ]
    static var names: Set<String> { Set(all.map { $0._commandName }) }
}
