import LiveSolveCoordination
import LiveSolveWorkerIPC
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

extension Coordinator {
    /// Starts the pool with the given transport; returns once every worker has started or
    /// failed to (which is logged and retried).
    func startWorkers(launcher: any WorkerLauncher) async {
        let pool = WorkerPool(
            count: configuration.workerCount,
            launcher: launcher,
            loop: loop,
            // Weak: pipes and timers can outlive a stopped server's coordinator.
            report: { [weak self] id, event in self?.assumeIsolated { $0.workerReported(id, event) } },
            wake: { [weak self] slot in self?.assumeIsolated { $0.pool?.backoffElapsed(slot: slot) } })
        self.pool = pool
        if !configuration.brokerURL.isEmpty { startBroker(url: configuration.brokerURL, pool: pool) }
        await withCheckedContinuation { pool.start(started: $0) }
    }

    /// Asks every worker to exit, kills those that have not after a moment, and waits (a
    /// bounded while) until each is reaped: a worker left to exit after the server would stay a
    /// zombie where nothing reaps orphans (a container's first process often does not).
    func stopWorkers() async {
        remote?.link.stop()
        guard let pool else { return }
        let processes = pool.processIDs
        pool.stop()
        func allGone() -> Bool { processes.allSatisfy { kill($0, 0) != 0 } }
        for _ in 0..<20 where !allGone() { try? await Task.sleep(for: .milliseconds(10)) }
        pool.killAll()
        for _ in 0..<100 where !allGone() { try? await Task.sleep(for: .milliseconds(10)) }
    }

    /// What a worker's transport reports: the pool's slot moves on, and the model it concerns
    /// gets the event.
    func workerReported(_ id: WorkerID, _ event: WorkerEvent) {
        guard let pool else { return }
        switch event {
        case .started:
            logger.debug("worker started", metadata: ["worker": "\(id)"])
            handle(pool.started(id))
        case .startFailed(let reason):
            logger.error("cannot start worker", metadata: ["worker": "\(id)", "error": "\(reason)"])
            handle(pool.startFailed(id))
        case let .solved(model, answer):
            // The worker is free before the model's next solve is asked for: that solve goes
            // to it, warm, when the model has more updates.
            let notices = pool.solveEnded(id)
            if let record = modelsByNumber[model] {
                perform(record.state.solved(by: id, isConclusive: answer.status.isConclusive), for: record, answer: answer)
            }
            handle(notices)
        case let .improved(model, answer):
            if let record = modelsByNumber[model] { perform(record.state.improved(by: id), for: record, answer: answer) }
        case let .solveFailed(model, message):
            let notices = pool.solveEnded(id)
            if let record = modelsByNumber[model] { perform(record.state.solveFailed(by: id, message: message), for: record) }
            handle(notices)
        case let .loadFailed(model, message):
            logger.error("worker could not load model", metadata: ["model": "m\(model)", "error": "\(message)"])
            modelsByNumber[model]?.state.forgotten(by: id)
        case .exited:
            if pool.isStopping {
                logger.debug("worker stopped", metadata: ["worker": "\(id)"])
            } else {
                metrics.workerRestarts.increment()
                logger.warning("worker exited", metadata: ["worker": "\(id)"])
            }
            remote?.exited(id)
            handle(pool.exited(id))
        }
    }

    func handle(_ notices: [WorkerPool.Notice]) {
        for notice in notices {
            switch notice {
            case .idle(let id):
                serveWaiting(on: id)
            case let .lost(model, worker):
                if let record = modelsByNumber[model] { perform(record.state.workerExited(worker), for: record) }
            }
        }
    }

    /// Gives an idle worker waiting models until one takes it.
    func serveWaiting(on id: WorkerID) {
        while let pool, let model = pool.takeWaiting(for: id) {
            if let record = modelsByNumber[model], dispatch(record, to: id) { return }
            _ = pool.solveEnded(id, answered: false)
        }
    }
}
