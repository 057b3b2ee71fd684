// Zone names read in one place: the organisation's zone resolved once, a member's zone else the organisation's.
import Foundation
import MusterCore
import Testing

@Suite struct ZoneTests {
    @Test func theOrganisationsZoneIsResolvedOnceAndFollowsItsName() {
        var org = Organisation(name: "Dorset NEU", timezone: "Europe/London")
        #expect(org.timeZone.identifier == "Europe/London")
        // When the name changes, so does the zone
        org.timezone = "America/Chicago"
        #expect(org.timeZone.identifier == "America/Chicago")
        // A name no zone has (only code can build one: muster.yaml refuses it) is UTC, as before in rendering
        #expect(Organisation(name: "X", timezone: "Europe/Londres").timeZone == TimeZone.utc)
        #expect(Organisation(name: "X", timezone: "").timeZone == TimeZone.utc)
        #expect(TimeZone.utc.secondsFromGMT(for: Date()) == 0)
    }

    @Test func aMembersZoneIsTheirsWhenItNamesOneElseTheOrganisations() {
        let org = Organisation(name: "Dorset NEU", timezone: "Europe/London")
        #expect(org.timeZone(member: "America/Chicago").identifier == "America/Chicago")
        #expect(org.timeZone(member: nil).identifier == "Europe/London")
        #expect(org.timeZone(member: "").identifier == "Europe/London")
        #expect(org.timeZone(member: "Mars/Olympus").identifier == "Europe/London")
        #expect(TimeZone.named("UTC") == TimeZone.utc)
        #expect(TimeZone.named(nil) == nil)
    }

    @Test func organisationsAreEqualAndCodedByWhatTheConfigurationSays() throws {
        let a = Organisation(name: "Dorset NEU", timezone: "Europe/London", website: "https://example.org")
        var b = Organisation(name: "Dorset NEU", timezone: "America/Chicago", website: "https://example.org")
        #expect(a != b)
        b.timezone = "Europe/London"
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        let json = try JSONEncoder().encode(a)
        let keys = try JSONSerialization.jsonObject(with: json) as? [String: String]
        #expect(keys == ["name": "Dorset NEU", "timezone": "Europe/London", "website": "https://example.org"])
        let back = try JSONDecoder().decode(Organisation.self, from: json)
        #expect(back == a)
        #expect(back.timeZone.identifier == "Europe/London")
    }
}
