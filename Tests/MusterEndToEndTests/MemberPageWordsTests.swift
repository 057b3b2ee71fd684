// The member page's explain lines: the command line's words for a pause become the console's link.
import Testing
@testable import MusterConsole

@Suite struct MemberPageWordsTests {
    @Test func aPausedRuleLinksToStopInsteadOfNamingTheCommand() {
        #expect(MemberPage.forConsole("Paused (nothing of it goes out until 'muster resume welcome')")
                == "Paused (nothing of it goes out until it is resumed on <a href=\"/stop\">Stop</a>)")
        #expect(MemberPage.forConsole("Paused (nothing of it goes out until 'muster resume --all')")
                == "Paused (nothing of it goes out until it is resumed on <a href=\"/stop\">Stop</a>)")
        // Any other line is only escaped.
        #expect(MemberPage.forConsole("Step 1: sent <Mon> & more") == "Step 1: sent &lt;Mon&gt; &amp; more")
    }
}
