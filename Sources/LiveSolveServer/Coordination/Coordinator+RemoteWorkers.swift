import LiveSolveCoordination
import NIOCore

extension Coordinator {
    /// Connects to the broker on threads of its own and lets the workers that announce
    /// themselves there join the pool.
    func startBroker(url: String, pool: WorkerPool) {
        let loop = self.loop
        let link = BrokerLink(url: url) { [weak self] event in
            guard let coordinator = self else { return }
            loop.execute { coordinator.assumeIsolated { $0.brokerReported(event) } }
        }
        let remote = RemoteWorkers(link: link)
        remote.nameOfSlot = { [weak pool] slot in pool?.remoteName(of: slot) }
        pool.remoteLauncher = RemoteWorkers.Launcher(workers: NIOLoopBound(remote, eventLoop: loop))
        self.remote = remote
        link.start()
        scheduleHeartbeatCheck()
    }

    func brokerReported(_ event: BrokerLink.Event) {
        guard let remote, let pool, !pool.isStopping else { return }
        switch event {
        case .connected:
            logger.info("connected to the broker; remote workers may join", metadata: ["broker": "\(redacted(configuration.brokerURL))"])
        case let .announced(name, models):
            remote.heard(name, at: .now())
            if pool.addRemote(name: name, models: models) { logger.info("remote worker joined", metadata: ["worker": "\(name)"]) }
        case .gone(let name):
            logger.info("remote worker left", metadata: ["worker": "\(name)"])
            remote.declareGone(name)
        case let .reply(correlationID, body):
            if !remote.deliver(body, correlationID: correlationID) { metrics.remoteRepliesDropped.increment() }
        case .lost(let reason):
            logger.error("lost the broker; solving on the local pool until it is back", metadata: ["error": "\(reason)"])
            remote.declareAllGone()
        }
        metrics.remoteWorkers.set(Int64(pool.remoteWorkersUp))
    }

    /// Every second: a remote worker silent for three is gone, and its models move.
    private func scheduleHeartbeatCheck() {
        loop.scheduleTask(in: .seconds(1)) { [weak self] in
            self?.assumeIsolated { coordinator in
                guard let remote = coordinator.remote, coordinator.pool?.isStopping == false else { return }
                for name in remote.declareSilentGone(at: .now()) {
                    coordinator.logger.warning("remote worker silent; declared gone", metadata: ["worker": "\(name)"])
                }
                coordinator.metrics.remoteWorkers.set(Int64(coordinator.pool?.remoteWorkersUp ?? 0))
                coordinator.scheduleHeartbeatCheck()
            }
        }
    }

    /// A broker URL without its password, for logs.
    private func redacted(_ url: String) -> String {
        guard let at = url.lastIndex(of: "@"), let scheme = url.range(of: "://"), let colon = url[scheme.upperBound..<at].lastIndex(of: ":") else { return url }
        return url[..<url.index(after: colon)] + "…" + url[at...]
    }
}

extension Coordinator {
    /// The name of the remote worker holding a model warm, if one does (tests kill it).
    public func remoteHome(of id: String) -> String? {
        guard let home = models[id]?.state.home else { return nil }
        return pool?.remoteName(of: home.slot)
    }
}
