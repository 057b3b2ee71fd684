// What reaches a terminal from data, and a transport URL as it may be printed.
import MusterCore
import Testing

@Suite struct TerminalTextTests {
    @Test func escapeSequencesBecomeControlPicturesAndNothingIsLeftToAct() {
        let name = "Esc\u{1B}[31mRED\u{1B}]0;pwned\u{07}"
        #expect(TerminalText.visible(name) == "Esc␛[31mRED␛]0;pwned␇")
        #expect(TerminalText.visible("a\tb\r\nc\u{7F}\u{0}") == "a␉b␍␊c␡␀")
        #expect(TerminalText.visibleLines("line 1\n\tline 2\r\u{1B}[2J") == "line 1\n\tline 2␍␛[2J")
    }

    @Test func c1ControlsSeparatorsAndBidiOverridesAreWrittenAsEscapes() {
        #expect(TerminalText.visible("a\u{9B}31mb\u{9D}c") == "a\\u{9B}31mb\\u{9D}c")
        #expect(TerminalText.visible("x\u{2028}y\u{202E}z\u{2066}") == "x\\u{2028}y\\u{202E}z\\u{2066}")
    }

    @Test func printableTextInAnyScriptPassesUnchanged() {
        for s in ["Zoë Łukasz-Wiśniewski", "“Pay up” — district meeting", "محمد", "王芳", "plain ascii ~!@#$%^&*()", ""] {
            #expect(TerminalText.visible(s) == s)
            #expect(TerminalText.isVisible(s))
        }
        #expect(!TerminalText.isVisible("a\u{1B}"))
    }

    @Test func everyScalarBelowTheSpaceDelAndC1IsReplaced() {
        let all = String(String.UnicodeScalarView((0..<0xA0).compactMap(UnicodeScalar.init)))
        let out = TerminalText.visible(all)
        #expect(out.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value) })
        #expect(TerminalText.isVisible(out))
    }

    @Test func transportURLsArePrintedWithoutUserOrPassword() {
        #expect(TransportSpec.redacted("smtp://u:S3cr3t@127.0.0.1:1") == "smtp://***@127.0.0.1:1")
        #expect(TransportSpec.redacted("smtps://me@example.org:p/a@ss@relay:465/helo") == "smtps://***@relay:465/helo")
        #expect(TransportSpec.redacted("smtps//u:S3cr3t@relay") == "***@relay")
        #expect(TransportSpec.redacted("smtp:u:S3cr3t@relay") == "smtp:***@relay")
        #expect(TransportSpec.redacted("smtp://relay.example.org:587") == "smtp://relay.example.org:587")
        #expect(TransportSpec.redacted("file:/srv/me@home/outbox") == "file:/srv/me@home/outbox")
        #expect(TransportSpec.hasCredentials("smtp://u@relay"))
        #expect(!TransportSpec.hasCredentials("smtp://relay:25"))
        #expect(!TransportSpec.hasCredentials("file:/a@b/"))
    }
}
