// The report's rows come in one order for the same figures, whatever order they were read in: two
// workplaces may share a name (the demo has some), and then their ids decide.
import Foundation
import MusterCore
import Testing

@Suite struct ReportOrderTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)
    static let zone = TimeZone(identifier: "Europe/London")!

    /// Two "Twin School"s (ids 3 and 7) with the same active members and eligible voters, told apart by
    /// their staff and votes, and a third workplace, in the order given.
    static func input(_ order: [Int64]) -> ReportInput {
        let all: [Int64: ReportWorkplace] = [
            3: ReportWorkplace(id: 3, name: "Twin School", staffCount: 10),
            7: ReportWorkplace(id: 7, name: "Twin School", staffCount: 20),
            5: ReportWorkplace(id: 5, name: "Abbey School", staffCount: 8),
        ]
        let voted: [Int64: Int] = [3: 1, 7: 3, 5: 2]
        return ReportInput(
            organisation: "Test", now: now, zone: zone, periodStart: LocalDay(year: 2026, month: 1, day: 1),
            workplaces: order.map { all[$0]! },
            cells: order.map { ReportCell(workplaceID: $0, section: nil, active: 5, newStarters: 0, reps: 0) },
            ballots: [ReportBallot(id: 1, title: "Pay", opensAt: now.addingTimeInterval(-86400), closesAt: now.addingTimeInterval(86400),
                                   threshold: 0.5, cells: order.map { .init(workplaceID: $0, section: nil, eligible: 4, voted: voted[$0]!) })],
            active: 15)
    }

    @Test func workplacesThatShareANameAreOrderedByTheirIDs() {
        let orders: [[Int64]] = [[3, 7, 5], [7, 3, 5], [5, 7, 3], [7, 5, 3]]
        for section in [ReportSectionName.workplaces, .ballots] {
            let csvs = orders.map { ReportCSV.render(Report(Self.input($0)).section(section)) }
            #expect(Set(csvs).count == 1, "\(section): \(csvs)")
            let rows = csvs[0].components(separatedBy: "\r\n").filter { $0.contains("Twin School") }
            // Workplaces: same active count, names tie, id 3 (staff 10) before id 7 (staff 20);
            // ballots: same eligible count, id 3 (1 voted) before id 7 (3 voted).
            #expect(rows.count == 2, "\(csvs[0])")
            if section == .workplaces { #expect(rows.first?.contains(",10,") == true, "\(rows)") }
            else { #expect(rows.first?.contains(",4,1,") == true, "\(rows)") }
        }
    }
}
