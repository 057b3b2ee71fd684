import CCurl
import MusterCore

/// The version of the libcurl muster is linked against, for `muster --version` and logs.
public func curlVersion() -> String {
    String(cString: curl_version())
}
