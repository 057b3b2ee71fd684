// The trusted CAs when `mail.ca_file` is set: the system's bundle plus the extra file, in memory.
import CCurl
import Foundation
import MusterCore

/// Setting `CURLOPT_CAINFO` replaces libcurl's default bundle, so an extra CA would make every
/// public CA untrusted. Instead muster builds one PEM blob, the system bundle (libcurl's built-in
/// `cainfo`, e.g. `/etc/ssl/certs/ca-certificates.crt`, or the first of the usual places that
/// exists) followed by the extra file, and hands it over as `CURLOPT_CAINFO_BLOB`. libcurl's
/// default CA file and path stay set as well; verification of peer and host name is never off.
enum CABundle {
    static let usualPlaces = [
        "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt",
        "/etc/ssl/ca-bundle.pem", "/etc/ssl/cert.pem",
    ]

    /// The system bundle's path, or nil when none is found.
    static func systemBundlePath() -> String? {
        if let p = muster_default_cainfo() {
            let path = String(cString: p)
            if FileManager.default.isReadableFile(atPath: path) { return path }
        }
        return usualPlaces.first { FileManager.default.isReadableFile(atPath: $0) }
    }

    /// The system bundle followed by `extraFile`. Throws a configuration error naming the file
    /// when it cannot be read or holds no PEM certificate.
    static func combined(extraFile: String) throws -> Data {
        guard let extra = FileManager.default.contents(atPath: extraFile) else {
            throw MailConfigurationError("mail.ca_file: cannot read \"\(extraFile)\"; give the path of a PEM certificate file")
        }
        guard String(decoding: extra, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
            throw MailConfigurationError("mail.ca_file: \"\(extraFile)\" holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        }
        var out = Data()
        if let system = systemBundlePath(), let bytes = FileManager.default.contents(atPath: system) {
            out.append(bytes)
            if bytes.last != 0x0A { out.append(0x0A) }
        }
        out.append(extra)
        if extra.last != 0x0A { out.append(0x0A) }
        return out
    }
}
