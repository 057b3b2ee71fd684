// The console in a real browser: headless Chromium signs in on the sign-in page and lands on Today,
// with no CSP violation; the page is kept as a screenshot under .build/test-artefacts/ (not committed).
import Foundation
import MusterTestSupport
import Testing

extension DaemonProcessTests {
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")))
struct BrowserConsoleTests {
    @Test func chromiumSignsInAndSeesTodaysForecast() async throws {
        // Given muster run with the console (Secure cookie: Chromium accepts it on http://127.0.0.1),
        let run = try ConsoleTests.Running()
        let artefacts = Repository.path(".build/test-artefacts")
        try FileManager.default.createDirectory(atPath: artefacts, withIntermediateDirectories: true)
        let shot = artefacts + "/console-today.png"
        try? FileManager.default.removeItem(atPath: shot)
        // When Chromium fills in the password and presses Sign in,
        let press = try await offPool {
            try runProcess(["python3", Repository.path("Tests/browser/press.py"), run.base + "/today", "button[type=submit]",
                            "--fill", "#password=\(ConsoleTests.password)", "--expect", "Due to go out", "--screenshot", shot])
        }
        // Then it lands on Today (the redirect took it to sign-in first), the page logged no error, and the
        // screenshot exists.
        #expect(press.status == 0, "\(press.stdout)\n\(press.stderr)\n\(run.daemon.log)")
        #expect(press.stdout.contains("Today") && press.stdout.contains("welcome") && press.stdout.contains("The outbox"))
        #expect(FileManager.default.fileExists(atPath: shot))
    }
}
}
