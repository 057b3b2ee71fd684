// The organiser's console for `muster run`, built from `console:` in muster.yaml.
import Foundation
import Logging
import MusterConsole
import MusterCore
import MusterDaemon
import MusterLinks
import ServiceLifecycle

/// The console's credentials, when `console.listen` is set; nil when there is no console.
struct ConsoleSetup {
    let credentials: ConsoleCredentials

    init?(config: Config, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard config.console.listen != nil else { return nil }
        do { credentials = try ConsoleCredentials(config: config.console, environment: environment) } catch {
            throw UserError(message: error.description)
        }
    }

    func application(district: LiveDistrict, passes: PassRecord?, linkHits: LinkHits?, clock: ServiceClock, limits: ListenerLimits,
                     logger: Logger) throws -> some Service {
        let insecure = district.district.config.console.insecureHTTPOnLoopback
        do {
            return try makeConsoleApplication(
                district: district, credentials: credentials, passes: passes, linkHits: linkHits, logger: logger, now: { clock.now() },
                limits: limits,
                onServerRunning: { port in
                    logger.notice("console=listening port=\(port) secure_cookie=\(!insecure)")
                })
        } catch let e as ConsoleListenError {
            throw UserError(message: e.description)
        }
    }
}
