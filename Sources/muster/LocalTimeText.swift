// Instants as the commands print them, in the organisation's zone.
import Foundation

/// `Wed 25 Nov 2026 17:30` in `zone`.
func formatLocal(_ date: Date, _ zone: TimeZone) -> String {
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_GB")
    f.timeZone = zone
    f.dateFormat = "EEE d MMM yyyy HH:mm"
    return f.string(from: date)
}
