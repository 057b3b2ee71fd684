// The listener on a real socket, driven by curl: what a mail client's one-click and a person's browser send.
import Foundation
import MusterCore
import Testing
@testable import MusterLinks

@Suite struct LiveListenerTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl")))
    func curlOneClickUnsubscribesOverARealSocket() async throws {
        // Given the listener on 127.0.0.1 and member 17's newsletter unsubscribe URL,
        let f = try LinksFixture()
        let token = f.signer.token(.unsubscribe(memberID: 17, topic: "newsletter"))
        let (head, get, post, health) = try await withLiveListener({ try f.app(onServerRunning: $0) }) { base in
            // When curl sends HEAD and GET (a link scanner), then the RFC 8058 POST (a mail client),
            let head = try await run("/usr/bin/curl", ["-s", "-I", "-o", "/dev/null", "-w", "%{http_code}", "\(base)/u/\(token)"])
            let get = try await run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "\(base)/u/\(token)"])
            let afterGet = try f.snapshot()
            #expect(afterGet == LinksFixture.pristine)
            let post = try await run("/usr/bin/curl", [
                "-s", "-D", "-", "-X", "POST", "-H", "Content-Type: application/x-www-form-urlencoded",
                "--data", "List-Unsubscribe=One-Click", "\(base)/u/\(token)",
            ])
            let health = try await run("/usr/bin/curl", ["-s", "\(base)/healthz"])
            return (head, get, post, health)
        }
        // Then HEAD and GET answered 200 and changed nothing, and the POST unsubscribed with the privacy headers.
        #expect(head.output == "200")
        #expect(get.output == "200")
        #expect(post.status == 0)
        let lines = post.output.lowercased()
        #expect(lines.hasPrefix("http/1.1 200 ok\r\n"))
        #expect(lines.contains("\r\ncache-control: no-store\r\n"))
        #expect(lines.contains("\r\nreferrer-policy: no-referrer\r\n"))
        #expect(lines.contains("\r\nx-robots-tag: noindex\r\n"))
        #expect(post.output.contains("You won't get any more emails about the reps' newsletter from Dorset NEU."))
        #expect(health.output == "ok\n")
        #expect(try f.outbox() == ["1 queued -", "2 queued -", "3 suppressed unsubscribed", "4 sent -", "5 queued -"])
        #expect(try f.suppressions() == ["17 newsletter"])
    }
}
