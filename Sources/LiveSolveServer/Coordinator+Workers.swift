import LiveSolveModel
import LiveSolveWorkerIPC
import NIOCore

extension Coordinator {
    /// Spawns the pool; returns when every worker has started (or failed to, which is logged and retried).
    func startWorkers() async {
        workers = Array(repeating: nil, count: configuration.workerCount)
        respawnFailures = Array(repeating: 0, count: configuration.workerCount)
        for slot in 0..<configuration.workerCount {
            _ = try? await spawnWorker(slot: slot).get()
        }
    }

    @discardableResult
    func spawnWorker(slot: Int) -> EventLoopFuture<WorkerProcess> {
        let future = WorkerProcess.spawn(
            slot: slot, executable: configuration.workerExecutable, on: loop,
            onReply: { [weak self] worker, reply in self?.assumeIsolated { $0.workerAnswered(worker, reply) } },
            onExit: { [weak self] worker in self?.assumeIsolated { $0.workerExited(worker) } })
        // Weak everywhere below: timers and pipes can outlive a stopped server's coordinator.
        future.whenComplete { [weak self] result in
            self?.assumeIsolated { coordinator in
                switch result {
                case .success(let worker):
                    guard !coordinator.isStopping else { worker.kill(); return }
                    coordinator.workers[slot] = worker
                    coordinator.logger.debug("worker started", metadata: ["slot": "\(slot)", "pid": "\(worker.pid)"])
                    coordinator.serveWaiting(on: worker)
                case .failure(let error):
                    coordinator.logger.error("cannot start worker", metadata: ["slot": "\(slot)", "error": "\(error)"])
                    coordinator.scheduleRespawn(slot: slot)
                }
            }
        }
        return future
    }

    /// Respawns a slot after a backoff that doubles with each failure in a row (0.1 s … 5 s).
    func scheduleRespawn(slot: Int) {
        guard !isStopping else { return }
        let failures = respawnFailures[slot]
        respawnFailures[slot] = failures + 1
        let delay = min(5_000, 100 << min(failures, 6))
        loop.scheduleTask(in: .milliseconds(Int64(delay))) { [weak self] in
            guard let self else { return }
            _ = self.assumeIsolated { $0.spawnWorker(slot: slot) }
        }
    }

    /// Sends a model's pending work to a worker: its warm home if idle, else any idle worker
    /// (with the model and its basis), else it waits for the first worker to become idle.
    /// At most one solve per model is in flight; updates arriving meanwhile merge into `pending`.
    func dispatch(_ record: ModelRecord) {
        guard record.inFlight == nil, let delta = record.pending, !isStopping else { return }
        let worker: WorkerProcess
        if let home = record.home, home.isAlive, !home.isBusy, home.held.contains(record.number) {
            worker = home
            let limits = SolveLimits(seconds: configuration.solveTimeLimit)
            worker.send(.solve(model: record.number, delta: delta, full: false, limits: limits), expecting: .solve(record.number))
        } else if let idle = workers.lazy.compactMap({ $0 }).first(where: { $0.isAlive && !$0.isBusy }) {
            worker = idle
            if let old = record.home, old !== idle, old.isAlive, old.held.contains(record.number) {
                old.held.remove(record.number)
                old.send(.drop(model: record.number), expecting: .drop(record.number))
            }
            // The coordinator's model already includes every accepted update: load it whole, solve it as is.
            idle.send(.load(model: record.number, program: record.model.program, basis: record.basis), expecting: .load(record.number))
            idle.held.insert(record.number)
            record.home = idle
            let limits = SolveLimits(seconds: configuration.solveTimeLimit)
            idle.send(.solve(model: record.number, delta: ModelDelta(), full: true, limits: limits), expecting: .solve(record.number))
        } else {
            if !waitingForWorker.contains(where: { $0 === record }) { waitingForWorker.append(record) }
            return
        }
        let now = NIODeadline.now()
        let grace = configuration.solveTimeLimit + configuration.solveGrace
        let deadline = now + .nanoseconds(Int64(grace * 1e9))
        armWatchdog(for: deadline)
        record.inFlight = .init(worker: worker, seq: record.seq, updatesMerged: record.pendingCount,
                                oldestUpdate: record.oldestPending ?? now, deadline: deadline)
        record.pending = nil
        record.pendingCount = 0
        record.oldestPending = nil
        metrics.solvesStarted.increment()
    }

    /// Gives an idle worker the oldest waiting model, preferring one it holds warm.
    func serveWaiting(on worker: WorkerProcess) {
        guard worker.isAlive, !worker.isBusy, !waitingForWorker.isEmpty else { return }
        let index = waitingForWorker.firstIndex { $0.home === worker } ?? 0
        let record = waitingForWorker.remove(at: index)
        guard models[record.id] === record else { return serveWaiting(on: worker) }
        dispatch(record)
    }

    func workerAnswered(_ worker: WorkerProcess, _ reply: ReceivedReply) {
        guard !worker.expected.isEmpty else { return }
        let expectation = worker.expected.removeFirst()
        // An answer proves the slot healthy: its next respawn starts from the shortest backoff.
        respawnFailures[worker.slot] = 0
        switch (expectation, reply) {
        case (.solve(let number), .solved(let answer)):
            if let record = modelsByNumber[number], record.inFlight?.worker === worker { install(answer, for: record) }
        case (.solve(let number), .other(.error(_, let message))):
            if let record = modelsByNumber[number], record.inFlight?.worker === worker {
                worker.held.remove(number)
                installFailure(record, status: .error, message: "worker: \(message)")
            }
        case (.load(let number), .other(.error(_, let message))):
            worker.held.remove(number)
            logger.error("worker could not load model", metadata: ["model": "m\(number)", "error": "\(message)"])
        default:
            break
        }
        serveWaiting(on: worker)
    }

    /// Three workers lost in a row on one model: more than chance (two workers can die together).
    static let crashesBeforeGivingUp = 3

    /// A worker's stdout reached EOF: reap it, re-dispatch what it was solving (warm, with model
    /// and basis, elsewhere) so no accepted update is lost, and respawn the slot.
    func workerExited(_ worker: WorkerProcess) {
        worker.reap(on: loop)
        if isStopping {
            logger.debug("worker stopped", metadata: ["slot": "\(worker.slot)", "pid": "\(worker.pid)"])
            return
        }
        metrics.workerRestarts.increment()
        logger.warning("worker exited", metadata: ["slot": "\(worker.slot)", "pid": "\(worker.pid)"])
        if workers.indices.contains(worker.slot), workers[worker.slot] === worker { workers[worker.slot] = nil }
        for record in models.values {
            if record.home === worker { record.home = nil }
            guard let flight = record.inFlight, flight.worker === worker else { continue }
            record.inFlight = nil
            if flight.timedOut {
                installFailure(record, status: .timeLimit, message: nil, seq: flight.seq)
                continue
            }
            record.crashes += 1
            if record.crashes >= Self.crashesBeforeGivingUp {
                installFailure(record, status: .error, message: "the solver process exited \(record.crashes) times while solving this model", seq: flight.seq)
                record.crashes = 0
                continue
            }
            // Put the solve's updates back in front of anything newer; the model already holds them all.
            record.pending = record.pending ?? ModelDelta()
            record.pendingCount += flight.updatesMerged
            record.oldestPending = flight.oldestUpdate
            dispatch(record)
        }
        spawnWorker(slot: worker.slot)
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
        let now = NIODeadline.now()
        var next: NIODeadline?
        for record in models.values {
            guard let flight = record.inFlight, !flight.timedOut else { continue }
            if flight.deadline <= now {
                solveOverran(record, on: flight.worker)
            } else {
                next = min(next ?? flight.deadline, flight.deadline)
            }
        }
        if let next { armWatchdog(for: next) }
    }

    /// A solve outlived the time limit plus grace: kill its worker; the model reports `time_limit`.
    func solveOverran(_ record: ModelRecord, on worker: WorkerProcess) {
        guard record.inFlight?.worker === worker else { return }
        record.inFlight?.timedOut = true
        logger.warning("solve overran its time limit; killing worker", metadata: ["model": "\(record.id)", "pid": "\(worker.pid)"])
        worker.kill()
    }

    /// Installs a version without maps for a failed solve.
    func installFailure(_ record: ModelRecord, status: SolveStatus, message: String?, seq: Int? = nil) {
        let version = SolutionVersion(
            number: (record.history.newest?.number ?? 0) + 1, seq: seq ?? record.inFlight?.seq ?? record.seq,
            status: status, message: message, objective: 0, iterations: 0, isWarmStart: false, algorithm: .cold,
            solveMicros: 0, updatesMerged: record.inFlight?.updatesMerged ?? 0, hasMaps: false, changes: [])
        record.inFlight = nil
        record.history.install(version)
        publish(record)
        dispatch(record)
    }

    /// Stops every worker (shutdown), waiting briefly for them to answer.
    func stopWorkers() async {
        isStopping = true
        for case let worker? in workers where worker.isAlive {
            worker.send(.shutdown, expecting: .drop(0))
        }
        try? await Task.sleep(for: .milliseconds(200))
        for case let worker? in workers {
            worker.kill()
            worker.closeChannel()
        }
    }
}
