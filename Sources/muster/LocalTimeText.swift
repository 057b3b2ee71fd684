// Instants as the commands print them, in the organisation's zone.
import Foundation
import MusterCore

/// `Wed 25 Nov 2026 17:30` in `zone`.
func formatLocal(_ date: Date, _ zone: TimeZone) -> String {
    PeopleTime(timeZone: zone).abbreviated(date)
}
