import Foundation
import MusterCore
import Testing

@Suite struct WebAddressTests {
    @Test func takesHTTPAndHTTPSWithAHostOnly() {
        for good in ["https://example.org", "http://example.org/a?b=c#d", "HTTPS://Example.org/x", "https://user@host:8443/p",
                     "https://[::1]/x"] {
            #expect(WebAddress.isWeb(good), "\(good)")
        }
        for bad in ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>", "file:///etc/passwd", "ftp://example.org",
                    "https://", "https:///path", "https://:80/", " https://example.org", "https://exa mple.org",
                    "https://example.org/\n", "//example.org", "example.org", "vbscript:x", "https:\\\\evil.example"] {
            #expect(!WebAddress.isWeb(bad), "\(bad)")
        }
        #expect(WebAddress.web("javascript:alert(1)") == nil)
        #expect(WebAddress.web(nil) == nil)
        #expect(WebAddress.web("https://example.org") == "https://example.org")
    }
}
