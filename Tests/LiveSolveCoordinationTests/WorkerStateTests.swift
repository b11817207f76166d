import LiveSolveCoordination
import Testing

@Suite struct WorkerStateTests {
    func id(_ generation: Int) -> WorkerID { WorkerID(slot: 2, generation: generation) }

    func idle() -> WorkerState {
        var state = WorkerState(slot: 2)
        _ = state.start()
        _ = state.started(id(1))
        return state
    }

    @Test func startsThenServesTheWaiting() {
        var state = WorkerState(slot: 2)
        #expect(state.start() == [.spawn(id(1))])
        #expect(state.phase == .starting(id(1)))
        #expect(state.start() == [])
        #expect(state.started(id(1)) == [.serveWaiting(id(1))])
        #expect(state.isIdle)
    }

    @Test func solvesOneModelAtATime() {
        var state = idle()
        #expect(state.assign(model: 7) == id(1))
        #expect(state.phase == .solving(id(1), model: 7))
        #expect(state.assign(model: 8) == nil)
        #expect(state.solveEnded(id(1)) == [.serveWaiting(id(1))])
        #expect(state.isIdle)
    }

    @Test func aCrashMidSolveLosesTheModelAndRespawnsAtOnce() {
        var state = idle()
        _ = state.assign(model: 7)
        _ = state.solveEnded(id(1))
        _ = state.assign(model: 7)
        #expect(state.exited(id(1)) == [.lost(model: 7, worker: id(1)), .scheduleRespawn(afterMilliseconds: 0)])
        #expect(state.phase == .backingOff)
        #expect(state.backoffElapsed() == [.spawn(id(2))])
    }

    @Test func repeatedFailuresBackOffUpToFiveSeconds() {
        var state = WorkerState(slot: 2)
        var generation = 1
        _ = state.start()
        var delays: [Int] = []
        for _ in 0..<9 {
            guard case .scheduleRespawn(let delay)? = state.startFailed(id(generation)).first else {
                Issue.record("no respawn in \(state.phase)")
                return
            }
            delays.append(delay)
            generation += 1
            #expect(state.backoffElapsed() == [.spawn(id(generation))])
        }
        #expect(delays == [0, 100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000])
        // An answer resets the backoff.
        _ = state.started(id(generation))
        _ = state.assign(model: 1)
        _ = state.solveEnded(id(generation))
        #expect(state.failures == 0)
    }

    @Test func anExitFromAnEarlierProcessIsIgnored() {
        var state = idle()
        _ = state.exited(id(1))
        _ = state.backoffElapsed()
        _ = state.started(id(2))
        #expect(state.exited(id(1)) == [])
        #expect(state.started(id(1)) == [])
        #expect(state.solveEnded(id(1)) == [])
        #expect(state.phase == .idle(id(2)))
    }

    @Test func stoppingAsksTheProcessToExitAndSpawnsNoMore() {
        var state = idle()
        _ = state.assign(model: 3)
        #expect(state.stop() == [.shutdown(id(1))])
        #expect(state.phase == .stopping(id(1)))
        #expect(state.stop() == [])
        #expect(state.exited(id(1)) == [])
        #expect(state.phase == .exited)
        #expect(state.start() == [])
    }

    @Test func stoppingDuringBackoffCancelsTheRespawn() {
        var state = idle()
        _ = state.exited(id(1))
        #expect(state.stop() == [])
        #expect(state.backoffElapsed() == [])
        #expect(state.phase == .exited)
    }

    @Test func aRemoteSlotIsNotRespawnedButStartsAgainWhenItsWorkerComesBack() {
        var state = WorkerState(slot: 3, respawns: false)
        guard case .spawn(let first)? = state.start().first else { Issue.record("no spawn"); return }
        _ = state.started(first)
        #expect(state.assign(model: 7) == first)
        // Gone mid-solve: the model is lost to it, and nothing respawns.
        #expect(state.exited(first) == [.lost(model: 7, worker: first)])
        #expect(state.phase == .exited)
        #expect(state.backoffElapsed() == [])
        // It announced itself again: a new generation, whose replies are not the old one's.
        guard case .spawn(let second)? = state.start().first else { Issue.record("no second spawn"); return }
        #expect(second != first && second.slot == 3)
    }
}
