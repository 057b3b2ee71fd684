import Foundation
import MusterCore
import Testing

@Suite struct OutboxTransitionTests {
    let created = ISOTime.parseInstant("2026-11-23T09:00:00Z")!
    func at(_ minutes: Double) -> Date { created.addingTimeInterval(minutes * 60) }
    func entry(attempts: Int = 0, state: OutboxState = .sending, expiresAfterMinutes: Double? = 180) -> OutboxEntryStatus {
        OutboxEntryStatus(state: state, attempts: attempts, createdAt: created, expiresAt: expiresAfterMinutes.map(at))
    }

    @Test func sentIsFinalAndKeepsTheReply() {
        let t = OutboxTransition.after(.sent(reply: "250 OK"), entry: entry(), now: at(0))
        #expect(t == OutboxTransition(state: .sent, nextAttemptAt: nil, attempts: 1, actions: [.recordReply("250 OK")]))
    }

    @Test func deferralsBackOffFromOneMinuteDoublingToOneHour() {
        // Given a message deferred again and again, When each attempt is recorded,
        // Then the waits are 1, 2, 4, 8, 16, 32, 60, 60 minutes.
        let waits = (0..<8).map { n -> Double in
            let t = OutboxTransition.after(.deferred(reply: "451 later"), entry: entry(attempts: n, expiresAfterMinutes: nil), now: at(0))
            #expect(t.state == .queued)
            #expect(t.attempts == n + 1)
            return t.nextAttemptAt!.timeIntervalSince(at(0)) / 60
        }
        #expect(waits == [1, 2, 4, 8, 16, 32, 60, 60])
        #expect(RetryPolicy.standard.delay(afterAttempt: 1000) == 3600)
    }

    @Test func aDeferralWhoseRetryFallsAfterExpiryExpires() {
        let t = OutboxTransition.after(.deferred(reply: "421 busy"), entry: entry(attempts: 6, expiresAfterMinutes: 180), now: at(150))
        #expect(t == OutboxTransition(state: .expired, nextAttemptAt: nil, attempts: 7, actions: [.recordReply("421 busy")]))
        let ok = OutboxTransition.after(.deferred(reply: "421 busy"), entry: entry(attempts: 0, expiresAfterMinutes: 180), now: at(150))
        #expect(ok.state == .queued && ok.nextAttemptAt == at(151))
    }

    @Test func unknownUserFailsAndSuppressesTheAddress() {
        let reply = "550 5.1.1 <address>: Recipient address rejected: User unknown"
        let t = OutboxTransition.after(.failed(reply: reply, unknownUser: true), entry: entry(attempts: 2), now: at(5))
        #expect(t == OutboxTransition(state: .failed, nextAttemptAt: nil, attempts: 3,
                                      actions: [.recordReply(reply), .suppressAddress(reason: reply)]))
        let other = OutboxTransition.after(.failed(reply: "554 5.7.1 denied"), entry: entry(), now: at(5))
        #expect(other.actions == [.recordReply("554 5.7.1 denied")])
    }

    @Test func finalStatesAreNeverLeft() {
        for state in [OutboxState.sent, .failed, .expired, .suppressed] {
            let t = OutboxTransition.after(.sent(reply: "250"), entry: entry(attempts: 1, state: state), now: at(1))
            #expect(t == OutboxTransition(state: state, nextAttemptAt: nil, attempts: 1, actions: []))
        }
    }

    @Test func expiryAppliesOnlyToWaitingEntries() {
        #expect(OutboxTransition.expiry(of: entry(state: .queued), now: at(180))?.state == .expired)
        #expect(OutboxTransition.expiry(of: entry(state: .queued), now: at(179)) == nil)
        #expect(OutboxTransition.expiry(of: entry(state: .sending), now: at(500)) == nil)
        #expect(OutboxTransition.expiry(of: entry(state: .queued, expiresAfterMinutes: nil), now: at(5000)) == nil)
    }

    @Test func repliesAreClassifiedByCodeAndEnhancedStatus() {
        #expect(DeliveryResult.classify(code: 250, reply: "250 2.0.0 Ok") == .sent(reply: "250 2.0.0 Ok"))
        #expect(DeliveryResult.classify(code: 421, reply: "421 4.3.0 bye") == .deferred(reply: "421 4.3.0 bye"))
        #expect(DeliveryResult.classify(code: 452, reply: "452 4.2.2 full") == .deferred(reply: "452 4.2.2 full"))
        #expect(DeliveryResult.classify(code: 550, reply: "550 5.1.1 unknown") == .failed(reply: "550 5.1.1 unknown", unknownUser: true))
        #expect(DeliveryResult.classify(code: 550, reply: "550-5.1.10 null MX") == .failed(reply: "550-5.1.10 null MX", unknownUser: true))
        #expect(DeliveryResult.classify(code: 554, reply: "554 5.7.1 denied") == .failed(reply: "554 5.7.1 denied", unknownUser: false))
        #expect(DeliveryResult.classify(code: 0, reply: "") == .deferred(reply: ""))
        #expect(DeliveryResult.redactAddresses("550 5.1.1 <ann@example.com>: rejected, bob@x.org.")
                == "550 5.1.1 <address>: rejected, <address>.")
    }
}
