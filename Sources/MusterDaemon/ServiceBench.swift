// `muster run --once-bench`: the daemon's planning costs measured on the real database, nothing delivered.
import Foundation
import MusterCore
import MusterStore

/// What the planning of a daemon turn costs on a given district.
public struct DaemonBenchReport: Sendable {
    /// The first whole-district pass (records, renders and enqueues what is due).
    public var fullPass: Double
    public var fullDue: Int
    /// A turn right after our own writes: `data_version` moved, the change log is read, nothing planned.
    public var afterOwnWrites: Double
    /// Turns with nothing changed, in seconds, sorted.
    public var unchanged: [Double]
    /// A members-only pass for one member (the highest id), and that member's due count.
    public var oneMember: Double
    public var oneMemberDue: Int

    public var text: String {
        func ms(_ s: Double) -> String { String(format: "%.3f ms", s * 1000) }
        let median = unchanged.isEmpty ? 0 : unchanged[unchanged.count / 2]
        return """
            whole-district pass:         \(ms(fullPass)) (\(fullDue) due)
            turn after own writes:       \(ms(afterOwnWrites)) (data_version moved, change log read, nothing planned)
            turn with nothing changed:   median \(ms(median)), max \(ms(unchanged.last ?? 0)) over \(unchanged.count) turns
            one changed member's pass:   \(ms(oneMember)) (\(oneMemberDue) due)
            """
    }
}

extension DaemonService {
    /// Plans the district once, then times `runs` turns in which nothing changed and one
    /// members-only pass. Delivers nothing (what is due stays queued).
    public func benchmarkPlanning(runs: Int) async throws -> DaemonBenchReport {
        var turn = try DaemonTurn(engine: start, settings: settings, clock: clock)
        func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let v = try body()
            return (v, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
        let full = try await turn.engine.pass(now: clock.now(), lookahead: settings.lookahead, delivery: .batches(0))
        turn.schedule.planned(everything: true, now: clock.now(), nextTimeDue: full.nextTimeDue)
        func quietTurn() throws -> PlanAction {
            let changes = try turn.watcher.poll()
            return turn.schedule.decide(now: clock.now(), changes: changes)
        }
        let (firstAction, afterOwn) = try timed(quietTurn)
        var unchanged: [Double] = []
        for _ in 0..<runs {
            let (action, t) = try timed(quietTurn)
            guard action == .none, firstAction == .none else {
                throw DaemonBenchError(description: "a turn with nothing changed planned \(action) (first: \(firstAction))")
            }
            unchanged.append(t)
        }
        let member = try ExampleRows(turn.engine.district.store).highestMemberID() ?? 1
        let t0 = DispatchTime.now().uptimeNanoseconds
        let one = try await turn.engine.pass(now: clock.now(), scope: .members([member]), lookahead: settings.lookahead, delivery: .batches(0))
        let oneTime = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        return DaemonBenchReport(
            fullPass: full.seconds, fullDue: full.due, afterOwnWrites: afterOwn, unchanged: unchanged.sorted(),
            oneMember: oneTime, oneMemberDue: one.due)
    }
}

/// The benchmark found the daemon doing work it should not.
public struct DaemonBenchError: Error, CustomStringConvertible {
    public var description: String
}
