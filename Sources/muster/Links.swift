// The signed links of messages, built from `links:` in muster.yaml.
import MusterCore
import MusterDaemon
import Foundation
import Logging
import MusterLinks
import MusterStore

/// The links messages carry, when `links.base_url` is set; the secret comes from `links.secret_env`.
func makeLinks(_ config: Config) throws -> (any LinkMaking)? {
    try makeSigner(config)
}

/// The signer of links, when `links.base_url` is set; nil when messages carry no links.
func makeSigner(_ config: Config) throws -> LinkSigner? {
    guard config.links.baseURL != nil else { return nil }
    do {
        return try LinkSigner(config: config.links)
    } catch {
        throw UserError(message: "links: \(error)")
    }
}

/// The signer of VERP envelope senders, when `mail.bounce_address` is set: it needs the link secret
/// (`links.secret_env`) even when messages carry no links.
func makeBounceSigner(_ config: Config) throws -> LinkSigner? {
    guard config.mail.bounces.address != nil else { return nil }
    do {
        return try LinkSigner(config: config.links)
    } catch {
        throw UserError(message: "mail.bounce_address: the envelope senders are signed with the link secret; links: \(error)")
    }
}

/// The reader of `mail.bounce_mailbox`, when it is set; its credentials come from the variables
/// `mail.bounce_username_env` and `mail.bounce_password_env` name.
func makeBounceMailbox(config: Config, store: Store, now: @escaping @Sendable () -> Date, logger: Logger) throws -> BounceMailboxService? {
    let b = config.mail.bounces
    guard let url = b.mailbox, let userVar = b.usernameEnv, let passVar = b.passwordEnv else { return nil }
    let env = ProcessInfo.processInfo.environment
    guard let user = env[userVar], !user.isEmpty, let password = env[passVar], !password.isEmpty else {
        throw UserError(message: "mail.bounce_mailbox: set the environment variables \(userVar) and \(passVar) "
            + "to the mailbox's user name and password")
    }
    let seconds = Double(env["MUSTER_BOUNCE_POLL_SECONDS"] ?? "").flatMap { $0 >= 1 ? $0 : nil } ?? 300
    let handler = BounceHandler(store: store, config: config, signer: try makeBounceSigner(config), logger: logger)
    return BounceMailboxService(url: url, username: user, password: password, caFile: config.mail.caFile,
                                handler: handler, interval: seconds, now: now, logger: logger)
}
