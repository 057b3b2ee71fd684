// The signed links of messages, built from `links:` in muster.yaml.
import MusterCore
import MusterDaemon
import MusterLinks

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
