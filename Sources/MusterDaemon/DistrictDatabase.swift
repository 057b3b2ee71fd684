// Opening the database muster.yaml names for any command but `init`: it must exist already.
import Foundation
import MusterCore
import MusterStore

extension Store {
    /// The database `config` names, which must exist: only `muster init` creates one, so a mistyped
    /// `database:` (or `MUSTER_DATABASE`) is an error naming the path, and nothing is created.
    public static func existing(for config: Config, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Store {
        let configFile = config.file
        let mend: String
        if let env = environment["MUSTER_DATABASE"], !env.isEmpty {
            mend = "run 'muster init' first, or check MUSTER_DATABASE (it replaces 'database:' in \(configFile))"
        } else {
            mend = "run 'muster init' first, or check 'database:' in \(configFile)"
        }
        return try Store(path: config.database, ifMissing: .refuse(mend: mend))
    }
}
