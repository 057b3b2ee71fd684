// SQLite errors as a person reads them: naming the database file, whichever command met them.
import ArgumentParser
import Foundation
import GRDB
import MusterCore
import MusterStore

/// A command that reads muster.yaml, so that an error can name the database it names.
protocol UsesGlobalOptions {
    var global: GlobalOptions { get }
}

extension InitCommand: UsesGlobalOptions {}
extension ImportCommand: UsesGlobalOptions {}
extension CheckCommand: UsesGlobalOptions {}
extension PlanCommand: UsesGlobalOptions {}
extension TickCommand: UsesGlobalOptions {}
extension PreviewCommand: UsesGlobalOptions {}
extension StatusCommand: UsesGlobalOptions {}
extension SendTestCommand: UsesGlobalOptions {}
extension RunCommand: UsesGlobalOptions {}

enum DatabaseErrors {
    /// A `DatabaseError` met after the file was opened becomes ``StoreError/sqlite(path:_:)`` naming
    /// the file the command's configuration names; any other error is returned as it is.
    static func naming(_ error: any Error, for command: any ParsableCommand) -> any Error {
        guard let e = error as? DatabaseError,
              let global = (command as? UsesGlobalOptions)?.global,
              let config = try? global.loadConfig()
        else { return error }
        return StoreError.sqlite(path: config.database, e)
    }
}

extension StoreError {
    /// A missing file or one that cannot be made is the configuration's to mend (1); SQLite refusing
    /// a file is a runtime failure (4).
    var exitStatus: Int32 {
        switch self {
        case .missing, .cannotCreate: return ExitStatus.invalidInput
        case .sqlite: return ExitStatus.runtime
        }
    }
}
