import Foundation
import Testing
@testable import MusterStore

@Suite struct CSVReaderTests {
    private func records(_ text: String) throws -> [CSVRecord] {
        try records(Array(text.utf8))
    }

    private func records(_ bytes: [UInt8]) throws -> [CSVRecord] {
        var reader = try CSVReader(bytes: bytes, file: "t.csv")
        var out: [CSVRecord] = []
        while let r = try reader.next() { out.append(r) }
        return out
    }

    private func error(_ bytes: [UInt8]) -> CSVError? {
        do { _ = try records(bytes); return nil } catch let e as CSVError { return e } catch { return nil }
    }

    @Test func readsQuotedCommasDoubledQuotesAndLineBreaksKeepingFileLines() throws {
        // Given a record whose second field spans three lines
        let text = "a,b\n1,\"x, \"\"y\"\"\nz\nw\"\n2,plain\n"
        // When it is read
        let rs = try records(text)
        // Then the field is whole and the next record starts on file line 5
        #expect(rs == [
            CSVRecord(line: 1, fields: ["a", "b"]),
            CSVRecord(line: 2, fields: ["1", "x, \"y\"\nz\nw"]),
            CSVRecord(line: 5, fields: ["2", "plain"]),
        ])
    }

    @Test func readsCRLFAndSkipsAByteOrderMarkAndBlankLines() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("id,name\r\n1,\"A\r\nB\"\r\n\r\n2,Zoë\r\n\r\n\r\n".utf8)
        let rs = try records(bytes)
        #expect(rs == [
            CSVRecord(line: 1, fields: ["id", "name"]),
            CSVRecord(line: 2, fields: ["1", "A\r\nB"]),
            CSVRecord(line: 5, fields: ["2", "Zoë"]),
        ])
    }

    @Test func keepsEmptyFieldsAndALastLineWithNoLineEnd() throws {
        let rs = try records("a,b,c\n,,\n\"\",x,")
        #expect(rs == [
            CSVRecord(line: 1, fields: ["a", "b", "c"]),
            CSVRecord(line: 2, fields: ["", "", ""]),
            CSVRecord(line: 3, fields: ["", "x", ""]),
        ])
    }

    @Test func refusesTextThatIsNotUTF8NamingItsLine() {
        // Given Latin-1 "é" (0xE9) on line 3
        let bytes = Array("a\nb\nR".utf8) + [0xE9] + Array("ne\n".utf8)
        #expect(error(bytes)?.description == "t.csv:3: the file is not UTF-8 text (save it as \"CSV UTF-8\")")
    }

    @Test func namesTheLineWhereAnUnclosedQuoteBegan() {
        let bytes = Array("a,b\n1,2\n3,\"never\nclosed\n4,5\n".utf8)
        #expect(error(bytes)?.description
            == "t.csv:3: a quoted field that starts on this line never ends (a closing '\"' is missing)")
    }

    @Test func refusesTextAfterAClosingQuote() {
        let bytes = Array("a,b\n1,\"x\"y\n".utf8)
        #expect(error(bytes)?.description
            == "t.csv:2: text follows a closing '\"' (a '\"' inside a quoted value must be doubled: \"\")")
    }

    @Test func findsTheFirstInvalidUTF8Byte() {
        #expect(CSVReader.firstInvalidUTF8(Array("Łukasz Siân".utf8)) == nil)
        #expect(CSVReader.firstInvalidUTF8([0x41, 0xC3]) == 1)  // truncated sequence
        #expect(CSVReader.firstInvalidUTF8([0x41, 0xED, 0xA0, 0x80]) == 1)  // a surrogate
        #expect(CSVReader.firstInvalidUTF8([0xC0, 0x80]) == 0)  // overlong
        #expect(CSVReader.firstInvalidUTF8([0xF0, 0x9F, 0x98, 0x80]) == nil)  // an emoji
    }
}
