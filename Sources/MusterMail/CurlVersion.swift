// The linked libcurl, for `muster --version` and start-up logs.
import CCurl

/// The version of the libcurl muster is linked against (`libcurl/7.88.1 OpenSSL/3.0.19 ...`).
public func curlVersion() -> String {
    String(cString: curl_version())
}
