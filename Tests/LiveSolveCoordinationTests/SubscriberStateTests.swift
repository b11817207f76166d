import LiveSolveCoordination
import Testing

@Suite struct SubscriberStateTests {
    func newest(_ number: Int, seq: Int? = nil, maps: Bool = true, base: Int = 0) -> SubscriberState.Newest {
        .init(number: number, seq: seq ?? number, hasMaps: maps, oldestDeltaBase: base)
    }

    @Test func subscribingToASettledModelSendsASnapshotNow() {
        let (state, delivery) = SubscriberState.subscribe(newest: newest(4), modelSeq: 4, modelSettled: true)
        #expect(delivery == .snapshot)
        #expect(state.phase == .current(version: 4, hasMaps: true))
    }

    @Test func subscribingWhileSolvingWaitsForASolutionWithEveryUpdate() {
        var (state, delivery) = SubscriberState.subscribe(newest: newest(4), modelSeq: 6, modelSettled: false)
        #expect(delivery == .nothing)
        #expect(state.phase == .needsSnapshot(afterSeq: 6))
        #expect(state.offer(newest(5, seq: 5), writable: true) == .nothing)
        #expect(state.offer(newest(6, seq: 6), writable: true) == .snapshot)
        #expect(state.phase == .current(version: 6, hasMaps: true))
        // A model never solved yet: waits too.
        #expect(SubscriberState.subscribe(newest: nil, modelSeq: 0, modelSettled: false).1 == .nothing)
    }

    @Test func anUpToDateSubscriberGetsOneDeltaPerVersion() {
        var state = SubscriberState(phase: .current(version: 4, hasMaps: true))
        #expect(state.offer(newest(5), writable: true) == .delta(from: 4))
        #expect(state.phase == .current(version: 5, hasMaps: true))
        #expect(state.offer(newest(5), writable: true) == .nothing)
    }

    @Test func aFullSocketLagsThenCatchesUpWithOneDelta() {
        var state = SubscriberState(phase: .current(version: 4, hasMaps: true))
        #expect(state.offer(newest(5), writable: false) == .watchDrain)
        #expect(state.phase == .lagging(version: 4, hasMaps: true))
        #expect(state.offer(newest(6), writable: true) == .nothing)
        #expect(state.offer(newest(7), writable: true) == .nothing)
        #expect(state.drained(newest(7, base: 3)) == .delta(from: 4))
        #expect(state.phase == .current(version: 7, hasMaps: true))
        #expect(state.drained(newest(8)) == .nothing)
    }

    @Test func aSubscriberBehindTheHistoryGetsASnapshot() {
        var state = SubscriberState(phase: .current(version: 4, hasMaps: true))
        #expect(state.offer(newest(9, base: 5), writable: true) == .snapshot)
        #expect(state.phase == .current(version: 9, hasMaps: true))
        var lagging = SubscriberState(phase: .lagging(version: 4, hasMaps: true))
        #expect(lagging.drained(newest(9, base: 5)) == .snapshot)
    }

    @Test func theFirstSolutionWithMapsIsASnapshot() {
        // Subscribed while infeasible: no maps to apply a delta to.
        var state = SubscriberState(phase: .current(version: 2, hasMaps: false))
        #expect(state.offer(newest(3, maps: false), writable: true) == .delta(from: 2))
        #expect(state.phase == .current(version: 3, hasMaps: false))
        #expect(state.offer(newest(4, maps: true), writable: true) == .snapshot)
        #expect(state.phase == .current(version: 4, hasMaps: true))
    }

    @Test func aDrainWithNothingNewSendsNothing() {
        var state = SubscriberState(phase: .lagging(version: 4, hasMaps: true))
        #expect(state.drained(newest(4)) == .nothing)
        #expect(state.phase == .current(version: 4, hasMaps: true))
        #expect(state.drained(newest(5)) == .nothing)  // not lagging any more: the fan-out sends it
    }
}
