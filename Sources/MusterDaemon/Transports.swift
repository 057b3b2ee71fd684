// Building the transport muster.yaml (or MUSTER_TRANSPORT) names.
import Foundation
import MusterCore
import MusterMail

extension Config {
    /// The SMTP settings of `mail:`.
    public var smtpSettings: SMTPSettings {
        SMTPSettings(
            url: "", tls: mail.tls, usernameEnv: mail.usernameEnv, passwordEnv: mail.passwordEnv,
            caFile: mail.caFile, concurrency: mail.concurrency, rate: mail.rate)
    }

    /// The transport `mail.transport` names: a folder of `.eml` files, or an SMTP relay over libcurl.
    /// Credentials are read from the environment here, once.
    public func makeTransport(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> any MailTransport {
        try makeMailTransport(mail.transport, smtp: smtpSettings, environment: environment)
    }
}
