// ISOTime's speed alone: ns per format and per parse, best of 5 runs of a million each.
// Built by bench/iso-time.sh with swiftc -O together with Sources/MusterCore/Time/{ISOTime,LocalDay}.swift.
import Foundation

func nanos() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

func bench(_ label: String, _ n: Int, _ body: (Int) -> Int) {
    var best = Double.infinity
    var sink = 0
    for _ in 0..<5 {
        let s = nanos()
        sink &+= body(n)
        best = min(best, Double(nanos() - s) / Double(n))
    }
    print("\(label)|\(String(format: "%.0f", best)) ns\(sink == 42 ? " " : "")")
}

let base = 1_795_424_400.0
let n = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 1_000_000
let utc = (0..<1_000).map { ISOTime.format(Date(timeIntervalSince1970: base + Double($0) * 7_919)) }
let offsets = (0..<1_000).map { ISOTime.format(Date(timeIntervalSince1970: base + Double($0) * 7_919.125), offset: 3_600, fractionDigits: 3) }
bench("format 2026-11-23T09:00:00Z", n) { n in
    var c = 0
    for i in 0..<n { c &+= ISOTime.format(Date(timeIntervalSince1970: base + Double(i))).utf8.count }
    return c
}
bench("format 2026-11-23T10:00:00.125+01:00", n) { n in
    var c = 0
    for i in 0..<n { c &+= ISOTime.format(Date(timeIntervalSince1970: base + Double(i) * 1.001), offset: 3_600, fractionDigits: 3).utf8.count }
    return c
}
bench("parse 2026-11-23T09:00:00Z", n) { n in
    var c = 0.0
    for i in 0..<n { c += ISOTime.parseInstant(utc[i % 1_000])!.timeIntervalSince1970 }
    return Int(c) & 1
}
bench("parse 2026-11-23T10:00:00.125+01:00", n) { n in
    var c = 0.0
    for i in 0..<n { c += ISOTime.parseInstant(offsets[i % 1_000])!.timeIntervalSince1970 }
    return Int(c) & 1
}
bench("LocalDay.description", n) { n in
    var c = 0
    for i in 0..<n { c &+= LocalDay(epochDay: 20_000 + i % 3_000).description.utf8.count }
    return c
}
