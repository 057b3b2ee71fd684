// The error for a mail setting that cannot be used.
import Foundation

/// A configuration value that cannot be used, with the setting's name and the mend in the text.
public struct MailConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
