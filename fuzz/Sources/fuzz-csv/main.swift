// Fuzzes CSVReader (member, workplace, event and ballot imports) with any bytes.
import CFuzzer
import Foundation
import MusterStore

/// Besides not crashing: the UTF-8 check agrees with the standard library's, records' lines only
/// go up, and the records written back with every field quoted read back the same.
func fuzzCSV(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = count == 0 ? [] : Array(UnsafeBufferPointer(start: start, count: count))
    let invalid = CSVReader.firstInvalidUTF8(bytes)
    precondition((invalid == nil) == (String(validating: bytes, as: UTF8.self) != nil),
                 "firstInvalidUTF8 says \(String(describing: invalid)), the standard library disagrees")
    var reader: CSVReader
    do {
        reader = try CSVReader(bytes: bytes, file: "fuzz.csv")
    } catch {
        precondition(invalid != nil, "refused valid UTF-8: \(error)")
        return 0
    }
    var records: [CSVRecord] = []
    do {
        while let record = try reader.next() { records.append(record) }
    } catch let e as CSVError {
        precondition(e.file == "fuzz.csv" && e.line >= 1, "an error that names no line: \(e)")
        return 0
    } catch {
        preconditionFailure("not a CSVError: \(error)")
    }
    for (a, b) in zip(records, records.dropFirst()) { precondition(a.line < b.line, "lines \(a.line) then \(b.line)") }

    var out: [UInt8] = []
    for record in records {
        for (i, field) in record.fields.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            for b in field.utf8 {
                out.append(b)
                if b == UInt8(ascii: "\"") { out.append(b) }
            }
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "\n"))
    }
    var again = try! CSVReader(bytes: out, file: "again.csv")
    var back: [[[UInt8]]] = []
    while let record = try! again.next() { back.append(record.fields.map { Array($0.utf8) }) }
    precondition(back == records.map { $0.fields.map { Array($0.utf8) } }, "written back and read again, the records differ")
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzCSV))
