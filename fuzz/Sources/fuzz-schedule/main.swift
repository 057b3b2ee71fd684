// Fuzzes the schedule reader (YAMLValue, RuleReader through ScheduleLoader.parse) with any text.
import CFuzzer
import Foundation
import MusterCore

/// Besides not crashing: every refusal is an InputError naming the file, as `ScheduleLoader.load`
/// needs (it collects InputErrors, one a file; anything else would stop the whole load).
func fuzzSchedule(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = count == 0 ? [] : Array(UnsafeBufferPointer(start: start, count: count))
    // `YAMLValue.load` refuses a file that is not UTF-8 before parsing.
    guard let text = String(validating: bytes, as: UTF8.self) else { return 0 }
    do {
        let rule = try ScheduleLoader().parse(text, id: "fuzz", file: "schedules/fuzz.yaml")
        _ = String(describing: rule)
    } catch let e as InputError {
        precondition(e.file == "schedules/fuzz.yaml", "an error naming another file: \(e)")
        precondition(!e.message.isEmpty, "an error without a message")
        _ = e.description
    } catch {
        preconditionFailure("not an InputError: \(error)")
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzSchedule))
