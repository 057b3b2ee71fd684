// The demo district's calendar, as a real district's looks over two months: a district meeting a
// month, a conference a term, many workplace meetings, and courses for those who register.
import Foundation
import GRDB
import MusterCore

extension DemoBuilder {
    /// Writes the next two months' events (from `now`):
    ///
    /// | kind        | how many                         | who is invited / registered          |
    /// |-------------|----------------------------------|--------------------------------------|
    /// | meeting     | 2 district-wide (one a month)    | every member                         |
    /// | meeting     | one for every other workplace    | that workplace's members             |
    /// | conference  | 1 (a term's), on a Saturday      | every member; 30-80 register         |
    /// | induction   | 2 (one a month)                  | recent joiners; 8-30 register        |
    /// | training    | 6 (about one every nine days)    | 8-20 register (reps invited)         |
    /// | cpd         | 6                                | 8-25 register                        |
    ///
    /// Meetings and courses are after school on a weekday (16:30, 17:00 or 17:30, 90 minutes, London
    /// time); the conference takes a Saturday from 10:00 to 16:00.
    mutating func calendar() throws {
        let insert = try db.makeStatement(sql: """
            INSERT INTO events(id, kind, title, starts_at, ends_at, location, url, workplace_id, description)
            VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let register = try db.makeStatement(sql: "INSERT INTO registrations(event_id, member_id, status) VALUES(?, ?, ?)")
        var london = Calendar(identifier: .gregorian)
        london.timeZone = TimeZone.named("Europe/London")!
        let today = london.startOfDay(for: now)
        var id: Int64 = 0

        func add(_ kind: String, day offset: Int, title: String, workplace: Int64? = nil, places: ClosedRange<Int>?) throws {
            id += 1
            var (h, m) = random.pick([(16, 30), (17, 0), (17, 30)])
            var day = london.date(byAdding: .day, value: offset, to: today)!
            let weekday = london.component(.weekday, from: day)  // 1 Sunday ... 7 Saturday
            if kind == "conference" {
                day = london.date(byAdding: .day, value: (7 - weekday) % 7, to: day)!
                (h, m) = (10, 0)
            } else if weekday == 1 || weekday == 7 {
                day = london.date(byAdding: .day, value: weekday == 1 ? 1 : 2, to: day)!
            }
            let start = london.date(bySettingHour: h, minute: m, second: 0, of: day)!
            let end = start.addingTimeInterval(kind == "conference" ? 6 * 3600 : 90 * 60)
            let location = workplace.map { workplaceName[Int($0) - 1] } ?? random.pick(DemoNames.venues)
            let description = kind == "meeting"
                ? "Open to all members\(workplace == nil ? " in the district" : " at the workplace"). Tea from 4pm."
                : "Free to members. Places are limited: please register."
            try insert.execute(arguments: [
                id, kind, title, iso(start), iso(end), location, "https://example.org/events/\(id)", workplace, description,
            ])
            summary.events += 1
            guard let places else { return }
            var chosen = Set<Int64>()
            for _ in 0..<random.within(places) {
                let member = random.pick(activeMembers)
                guard chosen.insert(member).inserted else { continue }
                try register.execute(arguments: [id, member, random.chance(0.92) ? "registered" : "cancelled"])
                summary.registrations += 1
            }
        }

        for month in 0..<2 {
            try add("meeting", day: 12 + month * 30 + random.below(4), title: "District general meeting", places: nil)
            try add("induction", day: 18 + month * 30 + random.below(4),
                    title: DemoNames.eventTitles["induction"]![month], places: 8...30)
        }
        try add("conference", day: 40 + random.below(7), title: "District annual conference", places: 30...80)
        for j in 0..<6 {
            try add("training", day: 3 + j * 9 + random.below(3), title: DemoNames.eventTitles["training"]![j % 5], places: 8...20)
            try add("cpd", day: 6 + j * 9 + random.below(3), title: DemoNames.eventTitles["cpd"]![j], places: 8...25)
        }
        // Workplace meetings: every other workplace holds one in the two months, at its own site.
        let places = workplaceName.count
        var order = Array(1...places)
        for i in order.indices.reversed() { order.swapAt(i, random.below(i + 1)) }
        for (k, w) in order.prefix(max(3, places / 2)).enumerated() {
            let spread = 2 + (k * 54) / max(1, places / 2)
            try add("meeting", day: spread + random.below(3), title: "Members' meeting: \(workplaceName[w - 1])",
                    workplace: Int64(w), places: nil)
        }
    }
}
