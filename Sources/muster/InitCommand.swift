// muster init: write muster.yaml if absent, create the database, optionally fill a demo district.
import ArgumentParser
import Foundation
import MusterCore
import MusterStore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create the database schema (and a demo district).")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Fill the database with a believable demo district.")
    var demo = false

    @Option(help: "How many members the demo district has.")
    var members: Int = 1500

    @Option(help: "The demo's random seed: the same seed gives the same district.")
    var seed: UInt64 = 1

    @Option(help: "The instant the demo is built around (ISO 8601); default now.")
    var now: String?

    func validate() throws {
        guard members >= 1 && members <= 5_000_000 else {
            throw ValidationError("Please pass --members between 1 and 5000000.")
        }
    }

    func run() throws {
        if !FileManager.default.fileExists(atPath: global.config) {
            try Data((Config.starterYAML + (demo ? Config.demoRepsYAML : "")).utf8).write(to: URL(fileURLWithPath: global.config))
            print("wrote \(global.config)")
        }
        let config = try global.loadConfig()
        let store = try Store(path: config.database, ifMissing: .create)  // the one command that creates it
        print("database \(config.database): schema up to date (\(try store.appliedMigrations().count) migrations)")
        guard demo else { return }
        let at = try parseNow(now)
        var summary = try DemoDistrict.fill(store: store, members: members, seed: seed, now: at)
        try DemoDistrict.addEventsThatChange(store: store, now: at, into: &summary)
        print("demo district: \(summary.members) members, \(summary.workplaces) workplaces, \(summary.reps) reps, "
            + "\(summary.events) events, \(summary.registrations) registrations, \(summary.ballots) ballots "
            + "(\(summary.votes) of \(summary.ballotMembers) ballot places voted)")
    }
}
