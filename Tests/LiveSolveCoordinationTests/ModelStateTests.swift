import LiveSolveCoordination
import LiveSolveModel
import Testing

@Suite struct ModelStateTests {
    let w1 = WorkerID(slot: 0, generation: 1)
    let w2 = WorkerID(slot: 1, generation: 1)
    let t0 = Moment(nanoseconds: 1_000)
    let t1 = Moment(nanoseconds: 2_000)
    /// When every solve here is dispatched.
    let t2 = Moment(nanoseconds: 3_000)
    let deadline = Moment(nanoseconds: 10_000)

    func objective(_ column: Int32, _ value: Double) -> ModelDelta {
        var delta = ModelDelta()
        delta.objective[column] = value
        return delta
    }

    /// A solve dispatched at t2 whose newest update was accepted at `newest`.
    func fresh(_ newest: Moment) -> ModelState.Freshness {
        .init(newestUpdate: newest, queuedMicros: Int((t2.nanoseconds - newest.nanoseconds) / 1000))
    }

    /// Created and solved once on w1: idle, w1 holds it warm.
    func solvedOnce() -> ModelState {
        var state = ModelState()
        _ = state.create(at: t0)
        _ = state.assigned(w1, at: t2, deadline: deadline)
        _ = state.solved(by: w1)
        return state
    }

    @Test func creatingAsksForAWorkerAndTheFirstSolveLoadsTheModel() {
        var state = ModelState()
        #expect(state.create(at: t0) == [.requestWorker(preferring: nil)])
        #expect(state.phase == .waitingForWorker)
        #expect(state.assigned(w1, at: t2, deadline: deadline) == .init(delta: ModelDelta(), isWarm: false))
        #expect(state.phase == .solving(.init(worker: w1, seq: 0, updatesMerged: 0, oldestUpdate: t0, freshness: fresh(t0), deadline: deadline)))
        #expect(state.home == w1)
        #expect(state.solved(by: w1) == [.install(.init(seq: 0, updatesMerged: 0, oldestUpdate: t0, freshness: fresh(t0)))])
        #expect(state.phase == .idle)
        #expect(state.isSettled)
    }

    @Test func updatesWhileSolvingMergeIntoTheNextSolveOnTheWarmWorker() {
        var state = solvedOnce()
        #expect(state.accept(objective(0, 1), at: t0) == [.requestWorker(preferring: w1)])
        _ = state.assigned(w1, at: t2, deadline: deadline)
        // Two updates while it solves: one pending solve, no second request.
        #expect(state.accept(objective(0, 2), at: t1) == [])
        #expect(state.accept(objective(1, 3), at: t1) == [])
        #expect(state.seq == 3)
        #expect(state.pendingUpdates == 2)
        #expect(state.solved(by: w1) == [.install(.init(seq: 1, updatesMerged: 1, oldestUpdate: t0, freshness: fresh(t0))), .requestWorker(preferring: w1)])
        var merged = objective(0, 2)
        merged.merge(objective(1, 3))
        #expect(state.assigned(w1, at: t2, deadline: deadline) == .init(delta: merged, isWarm: true))
        #expect(state.solved(by: w1) == [.install(.init(seq: 3, updatesMerged: 2, oldestUpdate: t1, freshness: fresh(t1)))])
    }

    @Test func anIntegerModelsIncumbentsInstallWithoutEndingTheSolve() {
        var state = ModelState()
        state.preemptsSolves = true
        _ = state.create(at: t0)
        _ = state.assigned(w1, at: t2, deadline: deadline)
        let incumbent = ModelState.Action.install(.init(seq: 0, updatesMerged: 0, oldestUpdate: t0, freshness: fresh(t0), isIncumbent: true))
        #expect(state.improved(by: w1) == [incumbent])
        #expect(state.improved(by: w1) == [incumbent])
        #expect(state.improved(by: w2) == [])  // not its solve
        #expect(!state.isSettled)
        #expect(state.solved(by: w1) == [.install(.init(seq: 0, updatesMerged: 0, oldestUpdate: t0, freshness: fresh(t0)))])
    }

    @Test func anUpdateStopsAPreemptibleSolveOnceAndTheNextSolveTakesTheNewestState() {
        var state = ModelState()
        state.preemptsSolves = true
        _ = state.create(at: t0)
        _ = state.assigned(w1, at: t2, deadline: deadline)
        #expect(state.accept(objective(0, 1), at: t1) == [.stop(w1)])
        // Once per solve: the stop is on its way.
        #expect(state.accept(objective(1, 2), at: t1) == [])
        // The stopped solve's end says so; the model is solved again at once, warm, with both updates.
        #expect(state.solved(by: w1) == [
            .install(.init(seq: 0, updatesMerged: 0, oldestUpdate: t0, freshness: fresh(t0), wasStopped: true)), .requestWorker(preferring: w1),
        ])
        var merged = objective(0, 1)
        merged.merge(objective(1, 2))
        #expect(state.assigned(w1, at: t2, deadline: deadline) == .init(delta: merged, isWarm: true))
        // The re-solve runs to its end, whatever arrives meanwhile: a fast feed still gets final solutions.
        #expect(state.accept(objective(0, 3), at: t1) == [])
        #expect(state.solved(by: w1) == [.install(.init(seq: 2, updatesMerged: 2, oldestUpdate: t1, freshness: fresh(t1))), .requestWorker(preferring: w1)])
        // After a solve that ended on its own, the next one may be stopped again.
        _ = state.assigned(w1, at: t2, deadline: deadline)
        #expect(state.accept(objective(0, 4), at: t1) == [.stop(w1)])
    }

    @Test func aSolveThatIsNotPreemptibleIsNeverStopped() {
        var state = ModelState()
        _ = state.create(at: t0)
        _ = state.assigned(w1, at: t2, deadline: deadline)
        #expect(state.accept(objective(0, 1), at: t1) == [])
        // A solve past its deadline is being killed: no stop either.
        var overrun = ModelState()
        overrun.preemptsSolves = true
        _ = overrun.create(at: t0)
        _ = overrun.assigned(w1, at: t2, deadline: deadline)
        #expect(overrun.checkDeadline(at: deadline) == [.kill(w1)])
        #expect(overrun.accept(objective(0, 1), at: t1) == [])
    }

    @Test func movingToAnotherWorkerLoadsWholeAndDropsTheOldCopy() {
        var state = solvedOnce()
        _ = state.accept(objective(0, 1), at: t0)
        #expect(state.assigned(w2, at: t2, deadline: deadline) == .init(delta: ModelDelta(), isWarm: false, drops: [w1]))
        #expect(state.home == w2)
    }

    @Test func anAnswerFromAReplacedWorkerIsIgnored() {
        var state = solvedOnce()
        _ = state.accept(objective(0, 1), at: t0)
        _ = state.assigned(w2, at: t2, deadline: deadline)
        let before = state
        #expect(state.solved(by: w1) == [])
        #expect(state.solveFailed(by: w1, message: "late") == [])
        #expect(state.workerExited(w1) == [])
        #expect(state == before)
    }

    @Test func aWorkerErrorIsReportedAndTheModelReloadsNextTime() {
        var state = solvedOnce()
        _ = state.accept(objective(0, 1), at: t0)
        _ = state.assigned(w1, at: t2, deadline: deadline)
        _ = state.accept(objective(0, 2), at: t1)
        #expect(state.solveFailed(by: w1, message: "bad basis") == [
            .reportFailure(.init(status: .error, message: "worker: bad basis", seq: 1, updatesMerged: 1, freshness: fresh(t0))),
            .requestWorker(preferring: nil),
        ])
        #expect(state.assigned(w1, at: t2, deadline: deadline)?.isWarm == false)
    }

    @Test func aWorkerThatForgetsTheModelIsNoLongerItsHome() {
        var state = ModelState()
        _ = state.create(at: t0)
        _ = state.assigned(w1, at: t2, deadline: deadline)
        state.forgotten(by: w2)
        #expect(state.home == w1)
        state.forgotten(by: w1)
        #expect(state.home == nil)
        _ = state.solved(by: w1)
        _ = state.accept(ModelDelta(), at: t0)
        #expect(state.assigned(w1, at: t2, deadline: deadline)?.isWarm == false)
    }

    @Test func aCrashMidSolveReDispatchesEveryUpdateElsewhere() {
        var state = solvedOnce()
        _ = state.accept(objective(0, 1), at: t0)
        _ = state.assigned(w1, at: t2, deadline: deadline)
        _ = state.accept(objective(0, 2), at: t1)
        #expect(state.workerExited(w1) == [.requestWorker(preferring: nil)])
        #expect(state.crashes == 1)
        #expect(state.pendingUpdates == 2)
        #expect(state.assigned(w2, at: t2, deadline: deadline) == .init(delta: ModelDelta(), isWarm: false))
        #expect(state.phase == .solving(.init(worker: w2, seq: 2, updatesMerged: 2, oldestUpdate: t0, freshness: fresh(t1), deadline: deadline)))
        // An answer resets the count.
        _ = state.solved(by: w2)
        #expect(state.crashes == 0)
    }

    @Test func threeCrashesInARowReportAnError() {
        var state = ModelState()
        _ = state.create(at: t0)
        for generation in 1...2 {
            let worker = WorkerID(slot: 0, generation: generation)
            _ = state.assigned(worker, at: t2, deadline: deadline)
            #expect(state.workerExited(worker) == [.requestWorker(preferring: nil)])
        }
        let third = WorkerID(slot: 0, generation: 3)
        _ = state.assigned(third, at: t2, deadline: deadline)
        #expect(state.workerExited(third) == [.reportFailure(.init(
            status: .error, message: "the solver process exited 3 times while solving this model", seq: 0, updatesMerged: 0,
            freshness: fresh(t0)))])
        #expect(state.crashes == 0)
        #expect(state.phase == .idle)
    }

    @Test func aSolvePastItsDeadlineKillsItsWorkerOnceAndReportsTimeLimit() {
        var state = ModelState()
        _ = state.create(at: t0)
        _ = state.assigned(w1, at: t2, deadline: deadline)
        #expect(state.deadline == deadline)
        #expect(state.checkDeadline(at: Moment(nanoseconds: 9_999)) == [])
        #expect(state.checkDeadline(at: deadline) == [.kill(w1)])
        #expect(state.checkDeadline(at: deadline) == [])
        #expect(state.deadline == nil)
        #expect(state.workerExited(w1) == [.reportFailure(.init(status: .timeLimit, message: nil, seq: 0, updatesMerged: 0, freshness: fresh(t0)))])
        #expect(state.crashes == 0)
        #expect(state.home == nil)
    }

    @Test func deletingWhileSolvingDropsAndIgnoresTheAnswer() {
        var state = solvedOnce()
        _ = state.accept(objective(0, 1), at: t0)
        _ = state.assigned(w1, at: t2, deadline: deadline)
        #expect(state.delete() == [.drop(from: w1)])
        #expect(state.phase == .deleted)
        #expect(state.solved(by: w1) == [])
        #expect(state.accept(objective(0, 2), at: t1) == [])
        #expect(state.delete() == [])
    }

    @Test func deletingWhileWaitingCancelsTheWait() {
        var state = ModelState()
        _ = state.create(at: t0)
        #expect(state.delete() == [.cancelWaiting])
        #expect(state.assigned(w1, at: t2, deadline: deadline) == nil)
    }

    @Test func anAssignmentWithNothingToDoIsRefused() {
        var state = solvedOnce()
        #expect(state.assigned(w2, at: t2, deadline: deadline) == nil)
        #expect(state.home == w1)
    }

    @Test func aRollBackKeepsASolveOfStoredUpdatesAndReloadsWhole() {
        var state = solvedOnce()
        _ = state.accept(objective(0, 1), at: t0)  // seq 1, stored
        _ = state.assigned(w1, at: t2, deadline: deadline)
        _ = state.accept(objective(0, 2), at: t1)  // seq 2, its commit fails
        #expect(state.rollBack(to: 1, at: t1) == [.drop(from: w1)])
        #expect(state.seq == 1)
        // The solve of seq 1 includes nothing undone: it is installed; the re-solve loads whole.
        #expect(state.solved(by: w1) == [.install(.init(seq: 1, updatesMerged: 1, oldestUpdate: t0, freshness: fresh(t0))), .requestWorker(preferring: nil)])
        #expect(state.assigned(w1, at: t2, deadline: deadline) == .init(delta: ModelDelta(), isWarm: false))
        #expect(state.solved(by: w1) == [.install(.init(seq: 1, updatesMerged: 1, oldestUpdate: t1, freshness: fresh(t1)))])
    }

    @Test func aSolveOfAnUndoneUpdateEndsUnreportedAndTheSeqIsGivenAgain() {
        var state = solvedOnce()
        _ = state.accept(objective(0, 1), at: t0)
        _ = state.assigned(w1, at: t2, deadline: deadline)  // includes seq 1, whose commit fails
        #expect(state.rollBack(to: 0, at: t1) == [.drop(from: w1)])
        #expect(state.solved(by: w1) == [.requestWorker(preferring: nil)])
        #expect(state.assigned(w2, at: t2, deadline: deadline) == .init(delta: ModelDelta(), isWarm: false))
        #expect(state.solved(by: w2) == [.install(.init(seq: 0, updatesMerged: 1, oldestUpdate: t1, freshness: fresh(t1)))])
        _ = state.accept(objective(0, 3), at: t1)
        #expect(state.seq == 1)
        #expect(state.isSettled == false)
    }

    @Test func aStaleSolveThatFailsOrCrashesIsNotReported() {
        var state = solvedOnce()
        _ = state.accept(objective(0, 1), at: t0)
        _ = state.assigned(w1, at: t2, deadline: deadline)
        _ = state.rollBack(to: 0, at: t1)
        #expect(state.solveFailed(by: w1, message: "boom") == [.requestWorker(preferring: nil)])
        _ = state.accept(objective(0, 2), at: t1)
        _ = state.assigned(w2, at: t2, deadline: deadline)  // includes the new seq 1, whose commit fails
        _ = state.rollBack(to: 0, at: t1)
        #expect(state.workerExited(w2) == [.requestWorker(preferring: nil)])
        #expect(state.crashes == 0)
    }

    @Test func aRollBackToTheNewestSeqOrOfADeletedModelDoesNothing() {
        var state = solvedOnce()
        #expect(state.rollBack(to: 0, at: t0) == [])
        _ = state.accept(objective(0, 1), at: t0)
        _ = state.delete()
        #expect(state.rollBack(to: 0, at: t0) == [])
    }

    // MARK: races

    let w3 = WorkerID(slot: 2, generation: 1)

    @Test func theFirstConclusiveAnswerWinsARaceAndTheLosersStayWarm() {
        var state = solvedOnce()
        _ = state.accept(objective(0, 2), at: t1)
        let dispatch = state.assigned(w1, racers: [w2, w3], at: t2, deadline: deadline)
        // w1 holds it warm; w2 and w3 load it whole and answer in full.
        #expect(dispatch == .init(delta: objective(0, 2), isWarm: true, needsFull: false,
                                  racers: [.init(worker: w2, delta: nil), .init(worker: w3, delta: nil)]))
        // One racer gives up: the race goes on.
        #expect(state.solved(by: w3, isConclusive: false) == [])
        let won = state.solved(by: w2)
        #expect(won.count == 2)
        #expect(won.last == .endRace(winner: w2, losers: [w1]))
        #expect(state.home == w2)
        #expect(state.mirrors == [w1])
        // The loser's answer, when it comes, is ignored.
        #expect(state.solved(by: w1) == [])
        // The next race: w2 and w1 are warm; w1's answer is whole, since its last one was not installed.
        _ = state.accept(objective(1, 3), at: t1)
        #expect(state.assigned(w1, racers: [w2], at: t2, deadline: deadline)
            == .init(delta: objective(1, 3), isWarm: true, needsFull: true, racers: [.init(worker: w2, delta: objective(1, 3))]))
    }

    @Test func aMirrorLeftOutOfASolveIsSentWhatItMissedAtTheNextRace() {
        var state = solvedOnce()
        _ = state.accept(objective(0, 2), at: t1)
        _ = state.assigned(w1, racers: [w2], at: t2, deadline: deadline)
        _ = state.solved(by: w1)
        #expect(state.mirrors == [w2])
        // w2 is busy finishing its stopped solve: this one goes without it, and w2 keeps its copy.
        _ = state.accept(objective(0, 4), at: t1)
        #expect(state.assigned(w1, at: t2, deadline: deadline) == .init(delta: objective(0, 4), isWarm: true))
        _ = state.solved(by: w1)
        #expect(state.mirrors == [w2])
        _ = state.accept(objective(1, 5), at: t1)
        var missed = objective(0, 4)
        missed.merge(objective(1, 5))
        #expect(state.assigned(w1, racers: [w2], at: t2, deadline: deadline)
            == .init(delta: objective(1, 5), isWarm: true, racers: [.init(worker: w2, delta: missed)]))
    }

    @Test func aRacerThatDiesLeavesTheRaceToTheOthers() {
        var state = solvedOnce()
        _ = state.accept(objective(0, 2), at: t1)
        _ = state.assigned(w1, racers: [w2], at: t2, deadline: deadline)
        // The home worker dies: the racer carries on, and its answer is installed.
        #expect(state.workerExited(w1) == [])
        #expect(state.phase != .idle)
        let actions = state.solved(by: w2)
        #expect(actions.count == 1)
        if case .install(let outcome)? = actions.first { #expect(outcome.seq == 1) } else { Issue.record("no install: \(actions)") }
        #expect(state.home == w2)
    }

    @Test func deletingARacedModelDropsEveryCopy() {
        var state = solvedOnce()
        _ = state.accept(objective(0, 2), at: t1)
        _ = state.assigned(w1, racers: [w2, w3], at: t2, deadline: deadline)
        #expect(state.delete() == [.drop(from: w1), .drop(from: w2), .drop(from: w3)])
    }
}
