import Foundation
@testable import MusterMail
import MusterTestSupport
import MusterCore
import Testing

@Suite struct CABundleTests {
    @Test func anExtraCAIsAddedToTheSystemBundleNotInstead() throws {
        // Given an extra CA file
        let dir = try TemporaryDirectory()
        let (cert, _) = try SMTPTestServer.makeCertificate(in: dir)
        // When the bundle is built
        let combined = try CABundle.combined(extraFile: cert)
        // Then it is the system bundle followed by the extra certificate
        let systemPath = try #require(CABundle.systemBundlePath())
        let system = try #require(FileManager.default.contents(atPath: systemPath))
        let extra = try #require(FileManager.default.contents(atPath: cert))
        #expect(combined.starts(with: system))
        #expect(combined.suffix(extra.count) == extra)
        #expect(throws: MailConfigurationError("mail.ca_file: \"\(dir.file("key.pem"))\" holds no PEM certificate (-----BEGIN CERTIFICATE-----)")) {
            try CABundle.combined(extraFile: dir.file("key.pem"))
        }
    }
}
