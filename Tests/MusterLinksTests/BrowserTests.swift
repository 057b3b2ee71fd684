// A real browser on the pledge and RSVP pages: headless Chromium driven by Tests/browser/press.py.
import Foundation
import MusterCore
import MusterTestSupport
import Testing
@testable import MusterLinks

/// Needs `/usr/bin/chromium` (Debian: `apt-get install -y chromium`) and python3; skipped without them.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")
    && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")))
struct BrowserTests {
    static let press = Repository.path("Tests/browser/press.py")

    @Test func pressingIveVotedInChromiumRecordsTheVote() async throws {
        // Given member 17's pledge link served on a real socket,
        let f = try LinksFixture()
        let token = f.signer.token(.voted(memberID: 17, ballotID: 3), expires: LinksFixture.now.addingTimeInterval(86_400))
        let result = try await withLiveListener({ try f.app(onServerRunning: $0) }) { base in
            // When Chromium opens the page and presses its button,
            try await run("/usr/bin/python3", [Self.press, "\(base)/v/\(token)", "button", "--expect", "Thank you for voting"])
        }
        // Then the page thanked them, no CSP violation was logged, and voted_at is set (and the reminder stopped).
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("We've noted that you've voted"))
        #expect(try f.votes() == ["3 17 2026-11-23T09:00:00Z", "3 18 -", "4 18 -"])
        #expect(try f.outbox()[0] == "1 suppressed voted")
    }

    @Test func choosingNoOnTheYesLinksPageCancels() async throws {
        // Given the RSVP yes link, When Chromium presses the page's second button ("No, I can't come"),
        let f = try LinksFixture()
        let token = f.signer.token(.rsvp(memberID: 17, eventID: 5, answer: .yes), expires: LinksFixture.now.addingTimeInterval(86_400))
        let result = try await withLiveListener({ try f.app(onServerRunning: $0) }) { base in
            try await run("/usr/bin/python3", [Self.press, "\(base)/r/\(token)", "form:nth-of-type(2) button", "--expect", "Thank you for letting us know"])
        }
        // Then the registration says cancelled.
        #expect(result.status == 0, "\(result.errors)")
        #expect(try f.registrations() == ["5 17 cancelled"])
    }
}
