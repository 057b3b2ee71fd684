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
