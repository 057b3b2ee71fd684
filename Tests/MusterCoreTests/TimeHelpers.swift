// Shorthands for the Core tests: instants, days and zones by name.
import Foundation
import MusterCore

func instant(_ text: String) -> Date {
    guard let d = ISOTime.parseInstant(text) else { fatalError("bad instant in test: \(text)") }
    return d
}

func day(_ text: String) -> LocalDay {
    guard let d = LocalDay(text) else { fatalError("bad day in test: \(text)") }
    return d
}

func zone(_ id: String) -> TimeZone {
    guard let z = TimeZone(identifier: id) else { fatalError("unknown zone in test: \(id)") }
    return z
}

let london = zone("Europe/London")
let chicago = zone("America/Chicago")
