import Foundation
import MusterCore
import Testing

@Suite struct OffsetTests {
    @Test func readsDaysWeeksHoursAndMinutes() {
        #expect(Offset("0d") == Offset(0, .days))
        #expect(Offset("7d")?.wholeDays == 7)
        #expect(Offset("2w")?.wholeDays == 14)
        #expect(Offset("36h")?.seconds == 129_600)
        #expect(Offset("36h")?.wholeDays == nil)
        #expect(Offset("90m")?.seconds == 5_400)
        #expect(Offset("7d")?.description == "7d")
    }

    @Test func refusesAnythingElse() {
        for text in ["7 days", "7", "d", "-1d", "1.5d", "7x", "", "٣d"] {
            #expect(Offset(text) == nil, "\(text)")
        }
    }

    @Test func readsLocalTimesOfDay() {
        #expect(TimeOfDay("09:00") == TimeOfDay(hour: 9, minute: 0))
        #expect(TimeOfDay("9:05")?.minuteOfDay == 545)
        #expect(TimeOfDay("23:59")?.description == "23:59")
        for text in ["9am", "24:00", "09:60", "0900", "9:5", "", "09:00:00"] {
            #expect(TimeOfDay(text) == nil, "\(text)")
        }
    }
}
