import Foundation
import LiveSolveCoordination
import LiveSolveModel
import LiveSolveWorkerIPC
import NIOCore

extension Coordinator {
    /// Carries out what a model's state machine asked for. `answer` is the worker's answer
    /// when the event was one.
    func perform(_ actions: [ModelState.Action], for record: ModelRecord, answer: AnswerFrame? = nil) {
        for action in actions {
            switch action {
            case .requestWorker(let home):
                guard let pool else { continue }
                if let worker = pool.claim(for: record.number, preferring: home), !dispatch(record, to: worker) {
                    _ = pool.solveEnded(worker, answered: false)
                    serveWaiting(on: worker)
                }
            case .cancelWaiting:
                pool?.cancel(model: record.number)
            case .install(let outcome):
                if let answer { installWhenStored(.answer(answer, outcome), for: record) }
            case .reportFailure(let failure):
                installWhenStored(.failure(failure), for: record)
            case .kill(let worker):
                logger.warning("solve overran its time limit; killing worker", metadata: ["model": "\(record.id)", "worker": "\(worker)"])
                pool?.kill(worker)
            case .drop(let worker):
                pool?.send(.drop(model: record.number), to: worker)
            case .stop(let worker):
                pool?.send(.stop(model: record.number), to: worker)
                metrics.solvesPreempted.increment()
            case .endRace(_, let losers):
                endRace(of: record, losers: losers, winner: answer)
            }
        }
    }

    /// Sends a model's pending work to the worker it was given: the delta to a warm copy, or
    /// the whole model and its basis to any other; a slow linear model's solve is raced on idle
    /// workers too, a strategy each. False when the model had nothing to send.
    func dispatch(_ record: ModelRecord, to worker: WorkerID) -> Bool {
        guard let pool else { return false }
        let now = NIODeadline.now()
        let deadline = now + .nanoseconds(Int64((configuration.solveTimeLimit + configuration.solveGrace) * 1e9))
        record.lastDispatch = Moment(nanoseconds: now.uptimeNanoseconds)
        let isLinear = record.model.program.integerCount == 0
        let pending = isLinear ? record.state.pendingDelta : nil
        let kind = pending.flatMap(StrategyPolicy.ChangeKind.init)
        let isLarge = pending.map { self.isLarge($0, of: record) } ?? false
        let racers = raceWorkers(for: record, kind: kind, isLarge: isLarge, besides: worker)
        guard let dispatch = record.state.assigned(worker, racers: racers, at: record.lastDispatch,
                                                   deadline: Moment(nanoseconds: deadline.uptimeNanoseconds)) else {
            for racer in racers { handle(pool.solveEnded(racer, answered: false)) }
            return false
        }
        for old in dispatch.drops { pool.send(.drop(model: record.number), to: old) }
        let limits = SolveLimits(seconds: configuration.solveTimeLimit, mipGap: configuration.mipGap,
                                 incumbentMillis: configuration.incumbentMillis)
        let bands = bandsWanted(record)
        // A warm solve's time says how fast its strategy is on this kind of change; a load's
        // does not, nor does one that builds the factorization anew.
        let steadyKind = dispatch.isWarm ? kind : nil
        let strategies: [Algorithm?]
        if let kind, !racers.isEmpty {
            strategies = record.strategy.raceOrder(for: kind, isLarge: isLarge)
        } else {
            strategies = [isLinear ? steadyKind.map { record.strategy.choose(for: $0) } ?? record.strategy.fixed : nil]
        }
        record.dispatchedKind = record.isFactorized && !dispatch.needsFull ? steadyKind : nil
        let stoppable = !racers.isEmpty
        /// `delta`: what the worker's copy lacks; nil when it holds none.
        func send(to worker: WorkerID, delta: ModelDelta?, full: Bool, algorithm: Algorithm?) {
            if delta == nil {
                makeRoom(on: worker, for: record)
                // The coordinator's model already includes every accepted update: load it whole, solve it as is.
                pool.send(.load(model: record.number, program: record.model.program, basis: record.basis), to: worker)
            }
            pool.send(.solve(model: record.number, delta: delta ?? ModelDelta(), full: full, limits: limits, bands: bands,
                             algorithm: algorithm, stoppable: stoppable), to: worker)
        }
        send(to: worker, delta: dispatch.isWarm ? dispatch.delta : nil, full: dispatch.needsFull, algorithm: strategies[0])
        // Racers answer whole: what they last sent is not what the history holds.
        for (index, racer) in dispatch.racers.enumerated() {
            let algorithm = strategies.indices.contains(index + 1) ? strategies[index + 1] : strategies[0]
            send(to: racer.worker, delta: racer.delta, full: true, algorithm: algorithm)
            if racer.delta == nil { metrics.racerLoads.increment() }
        }
        if !racers.isEmpty { metrics.racesStarted.increment() }
        record.bandParameters = bands == .all ? record.model.parameters.values : nil
        record.dispatchedCosts = bands > .none && configuration.rangingFastPath ? record.model.program.objective : nil
        record.rangingBudget = nil
        record.bandsRequested = false
        armWatchdog(for: deadline)
        metrics.solvesStarted.increment()
        return true
    }

    /// Idle workers to race a solve on: for a linear model whose last warm solve took longer
    /// than `solve.raceMillis`, one per further strategy worth trying, up to `solve.raceWidth`
    /// in all with the model's own worker (which must hold it warm), and with local workers
    /// only, up to one per core.
    private func raceWorkers(for record: ModelRecord, kind: StrategyPolicy.ChangeKind?, isLarge: Bool, besides worker: WorkerID) -> [WorkerID] {
        guard configuration.raceWidth > 1, let kind, let pool, record.warmSolveMicros > configuration.raceMillis * 1000,
              record.state.home == worker || record.state.mirrors.contains(worker) else { return [] }
        // Local racers beyond the cores would only slow each other (and the winner) down.
        let cores = remote == nil ? ProcessInfo.processInfo.activeProcessorCount : .max
        let width = min(configuration.raceWidth, record.strategy.raceOrder(for: kind, isLarge: isLarge).count, cores)
        return pool.claimIdle(for: record.number, upTo: width - 1, preferring: record.state.mirrors)
    }

    /// Whether a delta touches at least `StrategyPolicy.largeShare` of the model's rows and columns.
    private func isLarge(_ delta: ModelDelta, of record: ModelRecord) -> Bool {
        let touched = delta.objective.count + max(delta.columnLower.count, delta.columnUpper.count)
            + max(delta.rowLower.count, delta.rowUpper.count) + delta.coefficients.count
        return Double(touched) >= StrategyPolicy.largeShare * Double(record.model.rowCount + record.model.columnCount)
    }

    /// A race was won: the losers are stopped and start their next solve from the winner's
    /// basis, so they stay warm for the next race.
    private func endRace(of record: ModelRecord, losers: [WorkerID], winner answer: AnswerFrame?) {
        guard let pool else { return }
        let basis = answer.flatMap { $0.basis.count > 0 ? Basis(statuses: $0.basis.array) : nil }
        for loser in losers {
            pool.send(.stop(model: record.number), to: loser)
            if let basis { pool.send(.adopt(model: record.number, basis: basis), to: loser) }
        }
        if let answer { record.raceWins[answer.algorithm, default: 0] += 1 }
    }

    /// The stability bands the next solve computes: all while someone asks, and for the
    /// ranging fast path the costs' at least.
    func bandsWanted(_ record: ModelRecord) -> BandsWanted {
        if record.wantsBands { return .all }
        return usesFastPath(record) && record.fastPath.isOn ? .costs : .none
    }

    func usesFastPath(_ record: ModelRecord) -> Bool {
        configuration.rangingFastPath && record.model.program.integerCount == 0
    }

    /// The objective's change when `delta` can be answered without a solve: costs only, moved
    /// inside the last solve's bands by the 100 % rule, on an idle model whose subscribers need
    /// nothing a cost change moves but the objective (PROTOCOL.md). Nil otherwise; the budget
    /// counts the change when it is answered.
    func rangingAnswer(to delta: ModelDelta, for record: ModelRecord) -> Double? {
        guard configuration.rangingFastPath, record.rangingBudget != nil, delta.kind == .objective, delta.objectiveConstant == nil,
              record.state.isSettled, record.state.pendingUpdates == 0, record.solvedCostSubscribers == 0,
              record.history.newest?.status == .optimal else { return nil }
        return record.rangingBudget!.admit(delta.objective, current: record.model.program.objective)
    }

    /// Installs an update answered by ranging: the version before it (a solve's, or another
    /// such), its values, its objective moved. Held, as a solve's end is, until the update is stored.
    func installRanging(_ record: ModelRecord, seq: Int, objectiveChange: Double, accepted: Moment) {
        guard let newest = record.history.newest else { return }
        let version = SolutionVersion(
            number: newest.number + 1, seq: seq, status: .optimal, message: nil, objective: newest.objective + objectiveChange,
            iterations: 0, isWarmStart: true, algorithm: .ranging, solveMicros: 0, updatesMerged: 1,
            freshness: .init(newestUpdate: accepted, queuedMicros: 0), hasMaps: true, mip: nil, changes: [])
        // What a basic variable's cost moves is not known here: those lanes empty until a solve.
        record.history.installWithoutSolve(version, clearing: [.duals, .reducedCosts, .costDown, .costUp, .parameterDown, .parameterUp])
        publish(record)
        metrics.rangingAnswers.increment()
        metrics.published(freshness: version.freshness)
    }

    /// A remote worker holds at most the models it offered (`--models`): before another is loaded
    /// there, those it was given least recently are dropped, and load wherever they go next.
    private func makeRoom(on worker: WorkerID, for record: ModelRecord) {
        guard let capacity = pool?.capacity(of: worker) else { return }
        let held = modelsByNumber.values.filter { $0 !== record && $0.state.home == worker }
        guard held.count >= capacity else { return }
        for evicted in held.sorted(by: { $0.lastDispatch < $1.lastDispatch }).prefix(held.count - capacity + 1) {
            pool?.send(.drop(model: evicted.number), to: worker)
            evicted.state.forgotten(by: worker)
            metrics.modelsEvicted.increment()
        }
    }

    /// Installs a solve's end now if every change it includes is committed, else once they are.
    func installWhenStored(_ end: HeldInstall, for record: ModelRecord) {
        guard record.heldInstalls.isEmpty, end.seq <= record.storedSeq else { return record.heldInstalls.append(end) }
        install(end, for: record)
    }

    func install(_ end: HeldInstall, for record: ModelRecord) {
        switch end {
        case let .answer(answer, outcome): install(answer, outcome, for: record)
        case let .failure(failure): installFailure(failure, for: record)
        case let .ranging(seq, change, accepted): installRanging(record, seq: seq, objectiveChange: change, accepted: accepted)
        }
    }

    /// Installs a worker's answer (or an integer model's incumbent) as the model's newest version
    /// and fans it out.
    func install(_ answer: AnswerFrame, _ outcome: ModelState.Outcome, for record: ModelRecord) {
        // An incumbent carries no basis: the root's comes with the solve's answer.
        if answer.basis.count > 0 { record.basis = Basis(statuses: answer.basis.array) }
        var mip = answer.mip
        if outcome.wasStopped, answer.status != .optimal {
            // Stopped for a newer update: the next solve has the last word. Without an incumbent
            // there is nothing to show; the history still takes the worker's changes.
            guard answer.status == .feasible else { return record.history.absorb(answer.changes) }
            mip?.isFinal = false
        }
        let version = SolutionVersion(
            number: (record.history.newest?.number ?? 0) + 1, seq: outcome.seq, status: answer.status,
            message: answer.message, objective: answer.objective, iterations: answer.iterations,
            isWarmStart: answer.isWarmStart, algorithm: answer.algorithm, solveMicros: answer.solveMicros,
            updatesMerged: outcome.updatesMerged, freshness: outcome.freshness, hasMaps: answer.status.hasSolution, mip: mip, changes: [])
        learn(from: answer, outcome, for: record)
        record.history.install(version, changes: answer.changes)
        if usesFastPath(record), !outcome.isIncumbent {
            record.fastPath.solved(solveMicros: answer.solveMicros, rangingMicros: answer.bandsMicros > 0 ? answer.bandsMicros : nil)
        }
        if version.hasMaps, !outcome.isIncumbent {
            let ranges = record.bandParameters.flatMap {
                ParameterRanges.compute(record.model.parameters, values: $0, lanes: record.history.vectors)
            }
            record.history.derive(.parameterDown, ranges?.down ?? [])
            record.history.derive(.parameterUp, ranges?.up ?? [])
            let lanes = record.history.vectors
            if let costs = record.dispatchedCosts, version.status == .optimal, record.history.holds(.costRanges) {
                record.rangingBudget = RangingBudget(costs: costs, costDown: lanes[SolutionLane.costDown.rawValue],
                                                     costUp: lanes[SolutionLane.costUp.rawValue], values: lanes[SolutionLane.values.rawValue])
            }
        }
        publish(record)
        metrics.published(freshness: outcome.freshness)
        guard !outcome.isIncumbent else { return metrics.incumbents.increment() }
        // After the subscribers' writes: the metrics are not what they wait for.
        metrics.solved(micros: answer.solveMicros, since: NIODeadline.uptimeNanoseconds(outcome.oldestUpdate.nanoseconds),
                       merged: outcome.updatesMerged)
    }

    /// What the strategy policy takes from a solve's end: its time, if it ran to its end
    /// (optimal, or a proof of infeasibility or unboundedness).
    private func learn(from answer: AnswerFrame, _ outcome: ModelState.Outcome, for record: ModelRecord) {
        guard !outcome.isIncumbent, !outcome.wasStopped, answer.status.isConclusive, record.model.program.integerCount == 0 else { return }
        // CPU time where the worker measured it: a busy machine slows every strategy alike.
        let micros = answer.cpuMicros > 0 ? answer.cpuMicros : answer.solveMicros
        if record.history.newest == nil, answer.algorithm == .cold { record.strategy.recordFirstSolve(micros: micros) }
        if let kind = record.dispatchedKind { record.strategy.record(answer.algorithm, micros: micros, for: kind) }
        if answer.isWarmStart { record.warmSolveMicros = answer.solveMicros }
        record.dispatchedKind = nil
        // A solve from scratch (cold, barrier) leaves no factorization for the next warm one.
        record.isFactorized = answer.isWarmStart
    }

    /// Installs a version without maps for a solve that ended without an answer.
    func installFailure(_ failure: ModelState.Failure, for record: ModelRecord) {
        // An integer model's every solution carries `final`: this one is its solve's last word.
        let isInteger = record.model.program.integerCount > 0
        let version = SolutionVersion(
            number: (record.history.newest?.number ?? 0) + 1, seq: failure.seq,
            status: failure.status, message: failure.message, objective: 0, iterations: 0, isWarmStart: false,
            algorithm: isInteger ? .branchAndCut : .cold, solveMicros: 0, updatesMerged: failure.updatesMerged,
            freshness: failure.freshness, hasMaps: false,
            mip: isInteger ? MIPStats(isFinal: true, bound: .nan, nodes: 0, incumbents: 0) : nil, changes: [])
        record.history.install(version)
        publish(record)
        metrics.published(freshness: failure.freshness)
    }

    /// Sets the one timer that watches every solve's deadline, unless it is already set sooner.
    /// Solves start with the newest deadline, so a solve usually costs no timer of its own
    /// (re-arming one is a system call on the hot path).
    func armWatchdog(for deadline: NIODeadline) {
        if let armed = watchdog, armed.deadline <= deadline { return }
        watchdog?.timer.cancel()
        let timer = loop.scheduleTask(deadline: deadline) { [weak self] in
            guard let self else { return }
            self.assumeIsolated { $0.checkDeadlines() }
        }
        watchdog = (deadline, timer)
    }

    /// Kills the workers of solves past their deadline and re-arms for the earliest remaining one.
    func checkDeadlines() {
        watchdog = nil
        let now = Self.now()
        var next: Moment?
        for record in models.values {
            perform(record.state.checkDeadline(at: now), for: record)
            if let deadline = record.state.deadline { next = min(next ?? deadline, deadline) }
        }
        if let next { armWatchdog(for: .uptimeNanoseconds(next.nanoseconds)) }
    }
}
