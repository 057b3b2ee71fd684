// Which time zone names a member's or an event's `timezone` may hold: IANA names, not abbreviations.
import Foundation

/// The one rule for a time zone name from the data.
///
/// An IANA name that this system's zone database holds (`Europe/London`, `America/Chicago`,
/// `Etc/GMT+5`, `EST5EDT`), and `UTC` or `GMT`. Foundation on Linux lists only some of them in
/// `knownTimeZoneIdentifiers` (not `EST5EDT`, `US/Eastern` or `Etc/GMT±N`), while
/// `TimeZone(identifier:)` also takes abbreviations (`BST`, `PST`), which name no daylight-saving
/// rules and often not the zone meant: so a name is taken when Foundation makes a zone of it, it is
/// not an abbreviation, and it is listed or has a file in the zone database.
public enum ZoneNames {
    /// Where the system keeps its zone files (`TZDIR`, else `/usr/share/zoneinfo`), if it has them.
    static let databaseDirectory: String? = {
        let dir = ProcessInfo.processInfo.environment["TZDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/share/zoneinfo"
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory) && isDirectory.boolValue ? dir : nil
    }()

    static let known = Set(TimeZone.knownTimeZoneIdentifiers)
    static let abbreviations = Set(TimeZone.abbreviationDictionary.keys)

    /// Whether `name` is a zone name muster takes (see the type's comment).
    public static func isIANA(_ name: String) -> Bool {
        if name == "UTC" || name == "GMT" { return true }
        guard !abbreviations.contains(name), !name.isEmpty, !name.hasPrefix("/"),
              !name.split(separator: "/").contains(".."), TimeZone.named(name) != nil
        else { return false }
        if known.contains(name) { return true }
        guard let dir = databaseDirectory else { return name.contains("/") }  // no files to ask: a Region/City
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: dir + "/" + name, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
}
