// Reading RFC 4180 CSV from bytes, fast, with the file line each record starts on for error messages.
import Foundation

/// One CSV record: the file line it starts on (the header is line 1) and its fields.
public struct CSVRecord: Sendable, Equatable {
    public var line: Int
    public var fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line; self.fields = fields
    }
}

/// A CSV file that cannot be read on, naming the file and line: `members.csv:5: the file is not UTF-8 text ...`.
public struct CSVError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var reason: String

    public init(file: String, line: Int, reason: String) {
        self.file = file; self.line = line; self.reason = reason
    }

    public var description: String { "\(file):\(line): \(reason)" }
}

/// Reads CSV records one at a time from a file's bytes.
///
/// RFC 4180, with the habits of real exports: fields in double quotes may hold commas, doubled
/// quotes (`""`) and line breaks; lines end in LF or CRLF (a lone CR too); a UTF-8 byte order mark
/// is skipped; blank lines are skipped. Text that is not UTF-8 is refused at once, naming the line
/// of the first bad byte, since every later value would be wrong too.
///
/// ```swift
/// var reader = try CSVReader(bytes: Array(data), file: "members.csv")
/// while let record = try reader.next() { print(record.line, record.fields.count) }
/// ```
public struct CSVReader: Sendable {
    public let file: String
    private let bytes: [UInt8]
    private var position: Int
    private var line = 1

    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")
    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")

    /// Checks that `bytes` are UTF-8 and skips a byte order mark. `file` names the file in errors.
    public init(bytes: [UInt8], file: String) throws {
        self.file = file
        self.bytes = bytes
        let bom = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        position = bom ? 3 : 0
        if let bad = CSVReader.firstInvalidUTF8(bytes) {
            let line = 1 + bytes[0..<bad].reduce(0) { $0 + ($1 == CSVReader.lf ? 1 : 0) }
            throw CSVError(file: file, line: line, reason: "the file is not UTF-8 text (save it as \"CSV UTF-8\")")
        }
    }

    /// Reads the file at `path`; errors name it by its last path component.
    public init(path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try self.init(bytes: [UInt8](data), file: (path as NSString).lastPathComponent)
    }

    /// The next record, or nil at the end of the file.
    public mutating func next() throws -> CSVRecord? {
        while position < bytes.count {
            let start = line
            let fields = try bytes.withUnsafeBufferPointer { try readRecord($0) }
            if fields.count == 1 && fields[0].isEmpty { continue }  // a blank line
            return CSVRecord(line: start, fields: fields)
        }
        return nil
    }

    private mutating func readRecord(_ p: UnsafeBufferPointer<UInt8>) throws -> [String] {
        var fields: [String] = []
        fields.reserveCapacity(16)
        let n = p.count
        while true {
            if position < n && p[position] == CSVReader.quote {
                fields.append(try readQuoted(p))
            } else {
                let begin = position
                while position < n {
                    let b = p[position]
                    if b == CSVReader.comma || b == CSVReader.lf || b == CSVReader.cr { break }
                    position += 1
                }
                fields.append(String(decoding: UnsafeBufferPointer(rebasing: p[begin..<position]), as: UTF8.self))
            }
            // After a field: a comma, a line end, or the end of the file.
            if position >= n { return fields }
            let b = p[position]
            position += 1
            if b == CSVReader.comma { continue }
            if b == CSVReader.cr, position < n, p[position] == CSVReader.lf { position += 1 }
            line += 1
            return fields
        }
    }

    private mutating func readQuoted(_ p: UnsafeBufferPointer<UInt8>) throws -> String {
        let startLine = line
        let n = p.count
        position += 1
        var begin = position
        var pieces: [UInt8] = []
        var doubled = false
        while true {
            guard position < n else {
                throw CSVError(file: file, line: startLine,
                               reason: "a quoted field that starts on this line never ends (a closing '\"' is missing)")
            }
            let b = p[position]
            if b == CSVReader.lf {
                line += 1
            } else if b == CSVReader.cr {
                if position + 1 >= n || p[position + 1] != CSVReader.lf { line += 1 }
            } else if b == CSVReader.quote {
                if position + 1 < n && p[position + 1] == CSVReader.quote {
                    // A doubled quote: keep one.
                    pieces.append(contentsOf: UnsafeBufferPointer(rebasing: p[begin...position]))
                    position += 2
                    begin = position
                    doubled = true
                    continue
                }
                let end = position
                position += 1
                if position < n {
                    let next = p[position]
                    if next != CSVReader.comma && next != CSVReader.lf && next != CSVReader.cr {
                        throw CSVError(file: file, line: line,
                                       reason: "text follows a closing '\"' (a '\"' inside a quoted value must be doubled: \"\")")
                    }
                }
                let tail = UnsafeBufferPointer(rebasing: p[begin..<end])
                if !doubled { return String(decoding: tail, as: UTF8.self) }
                pieces.append(contentsOf: tail)
                return String(decoding: pieces, as: UTF8.self)
            }
            position += 1
        }
    }

    /// The offset of the first byte that is not part of well-formed UTF-8, or nil when all are.
    public static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { p -> Int? in
            let n = p.count
            var i = 0
            while i < n {
                let b = p[i]
                if b < 0x80 { i += 1; continue }
                var need: Int
                var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
                switch b {
                case 0xC2...0xDF: need = 1
                case 0xE0: need = 2; lo = 0xA0
                case 0xE1...0xEC, 0xEE...0xEF: need = 2
                case 0xED: need = 2; hi = 0x9F
                case 0xF0: need = 3; lo = 0x90
                case 0xF1...0xF3: need = 3
                case 0xF4: need = 3; hi = 0x8F
                default: return i
                }
                var j = i + 1
                while need > 0 {
                    guard j < n, p[j] >= lo, p[j] <= hi else { return i }
                    lo = 0x80; hi = 0xBF
                    j += 1; need -= 1
                }
                i = j
            }
            return nil
        }
    }
}
