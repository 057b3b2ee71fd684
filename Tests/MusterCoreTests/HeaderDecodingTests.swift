// Reading back the encoded words muster writes in a header.
import MusterCore
import Testing

@Suite struct HeaderDecodingTests {
    @Test func encodedWordsReadBackAsTheTextTheyWereMadeFrom() {
        for text in ["Hello", "Café meeting tomorrow", String(repeating: "Zoë Ångström ", count: 12), "日本語の件名", "a  b"] {
            let words = HeaderEncoding.encodedWords(text, firstLineUsed: 9)
            #expect(HeaderEncoding.decodedWords(words.joined(separator: "\r\n ")) == text)
            #expect(HeaderEncoding.decodedWords(words.joined(separator: " ")) == text)
        }
    }

    @Test func plainTextQWordsAndBrokenWordsAreKeptOrDecodedAsTheyShouldBe() {
        #expect(HeaderEncoding.decodedWords("Hello Zebedee") == "Hello Zebedee")
        #expect(HeaderEncoding.decodedWords("Re: =?ISO-8859-1?Q?Caf=E9_au_lait?= today") == "Re: Café au lait today")
        #expect(HeaderEncoding.decodedWords("=?utf-8?q?a?= =?utf-8?q?b?=") == "ab")
        #expect(HeaderEncoding.decodedWords("x =?utf-8?B?not base64!?= y") == "x =?utf-8?B?not base64!?= y")
        #expect(HeaderEncoding.decodedWords("=?koi8-r?B?5MXO2Q==?=") == "=?koi8-r?B?5MXO2Q==?=")
        #expect(HeaderEncoding.decodedWords("50% =? off") == "50% =? off")
        #expect(HeaderEncoding.decodedWords("=?utf-8?B?/w==?=") == "=?utf-8?B?/w==?=")   // not UTF-8: kept
    }
}
