// The daemon's clocks: the wall clock, the shifted wall clock of `run --now`, and the test's manual clock.
import Foundation
import MusterCore
import Testing

@Suite struct ClockTests {
    @Test func theServiceClockIsTheWallClockOrStartsWhereItIsTold() {
        let wall = ServiceClock().now()
        #expect(abs(wall.timeIntervalSinceNow) < 1)
        // Given a clock started at a week ago
        let start = Date().addingTimeInterval(-7 * 86_400)
        let shifted = ServiceClock(startingAt: start)
        // Then it reads that instant, and runs at the wall clock's pace
        let first = shifted.now()
        #expect(abs(first.timeIntervalSince(start)) < 1)
        #expect(shifted.now() >= first)
    }

    @Test func aManualClockMovesOnlyWhenTold() {
        let t0 = Date(timeIntervalSince1970: 1_795_424_400)
        let clock = ManualClock(t0)
        let any: any MusterClock = clock
        #expect(any.now() == t0)
        #expect(any.now() == t0)
        clock.advance(by: 600)
        #expect(any.now() == t0.addingTimeInterval(600))
        clock.set(t0.addingTimeInterval(-60))
        #expect(any.now() == t0.addingTimeInterval(-60))
    }
}
