import LiveSolveCoordination
import LiveSolveWorkerIPC
import NIOCore

/// The worker slots, each a `WorkerState` driven here, and the models waiting for a free worker.
///
/// It knows processes, not models: it spawns and respawns with backoff, hands out idle workers,
/// and carries requests to them through their transports. What the coordinator must act on
/// comes back as `Notice`s. Owned by the coordinator, on its loop.
///
/// The first `count` slots are local children; remote workers get slots of their own when they
/// announce themselves (`addRemote`), started through the remote launcher and never respawned.
final class WorkerPool {
    enum Notice: Equatable {
        /// A worker is free: give it a waiting model.
        case idle(WorkerID)
        /// A worker died solving this model.
        case lost(model: UInt32, worker: WorkerID)
    }

    private var slots: [WorkerState]
    private var transports: [WorkerID: any WorkerTransport] = [:]
    /// Models with work and no worker yet, oldest first, each with the worker holding it warm.
    private var waiting: [(model: UInt32, home: WorkerID?)] = []
    private let launcher: any WorkerLauncher
    /// Starts the transports of remote slots, once a broker is configured.
    var remoteLauncher: (any WorkerLauncher)?
    /// The remote workers' slots by name.
    private(set) var remoteSlots: [String: Int] = [:]
    /// How many models each remote slot's worker offered to hold (`--models`).
    private var capacities: [Int: Int] = [:]
    private let loop: any EventLoop
    private let report: WorkerReport
    /// Calls `backoffElapsed(slot:)` back on the loop: a timer cannot hold the pool itself.
    private let wake: @Sendable (Int) -> Void

    init(count: Int, launcher: any WorkerLauncher, loop: any EventLoop, report: @escaping WorkerReport,
         wake: @escaping @Sendable (Int) -> Void) {
        self.slots = (0..<count).map { WorkerState(slot: $0) }
        self.launcher = launcher
        self.loop = loop
        self.report = report
        self.wake = wake
    }

    /// Spawns every slot; `started` runs once each has started or failed to.
    func start(started: CheckedContinuation<Void, Never>) {
        guard !slots.isEmpty else { return started.resume() }  // remote workers only
        firstReports = (Set(slots.indices), started)
        for slot in slots.indices { perform(slots[slot].start(), slot: slot) }
    }

    /// The slots that have not yet reported their first start, and who waits for them.
    private var firstReports: (slots: Set<Int>, waiter: CheckedContinuation<Void, Never>)?

    private func reported(_ slot: Int) {
        guard var first = firstReports else { return }
        first.slots.remove(slot)
        if first.slots.isEmpty {
            firstReports = nil
            first.waiter.resume()
        } else {
            firstReports = first
        }
    }

    /// The server is stopping: exits are expected, nothing respawns.
    private(set) var isStopping = false

    /// Asks every worker to exit; nothing respawns from now on.
    func stop() {
        isStopping = true
        for slot in slots.indices { perform(slots[slot].stop(), slot: slot) }
    }

    /// Kills the workers still running.
    func killAll() {
        for transport in transports.values { transport.kill() }
    }

    /// A remote worker announced itself, offering to hold `models`: its slot (a new one for a
    /// new name) starts, unless it is up already. Returns whether it was new or back.
    @discardableResult
    func addRemote(name: String, models: Int) -> Bool {
        let slot: Int
        if let known = remoteSlots[name] {
            slot = known
            capacities[slot] = models
            guard slots[slot].phase == .exited else { return false }
        } else {
            slot = slots.count
            slots.append(WorkerState(slot: slot, respawns: false))
            remoteSlots[name] = slot
            capacities[slot] = models
        }
        perform(slots[slot].start(), slot: slot)
        return true
    }

    /// How many models a worker holds at most; nil for a local one (as many as it is given).
    func capacity(of id: WorkerID) -> Int? { capacities[id.slot] }

    /// The name of a remote slot.
    func remoteName(of slot: Int) -> String? { remoteSlots.first { $0.value == slot }?.key }

    /// How many remote workers are up.
    var remoteWorkersUp: Int { remoteSlots.values.filter { Self.isUp(slots[$0]) }.count }

    // MARK: what transports report

    func started(_ id: WorkerID) -> [Notice] {
        reported(id.slot)
        return perform(slots[id.slot].started(id), slot: id.slot)
    }

    func startFailed(_ id: WorkerID) -> [Notice] {
        reported(id.slot)
        transports[id] = nil
        return perform(slots[id.slot].startFailed(id), slot: id.slot)
    }

    /// A solve ended: the worker answered it (or the solve was not needed after all).
    func solveEnded(_ id: WorkerID, answered: Bool = true) -> [Notice] {
        perform(slots[id.slot].solveEnded(id, answered: answered), slot: id.slot)
    }

    func exited(_ id: WorkerID) -> [Notice] {
        transports[id] = nil
        return perform(slots[id.slot].exited(id), slot: id.slot)
    }

    func backoffElapsed(slot: Int) {
        perform(slots[slot].backoffElapsed(), slot: slot)
    }

    // MARK: what the coordinator asks

    /// A worker for a model's solve: `home` if it is idle, else any idle one; nil (and the model
    /// waits, once) when none is idle.
    func claim(for model: UInt32, preferring home: WorkerID?) -> WorkerID? {
        if let home, slots.indices.contains(home.slot), slots[home.slot].worker == home,
           let id = slots[home.slot].assign(model: model) {
            return id
        }
        for slot in slots.indices {
            if let id = slots[slot].assign(model: model) { return id }
        }
        if !waiting.contains(where: { $0.model == model }) { waiting.append((model, home)) }
        return nil
    }

    /// Idle workers to race a model's solve on, up to `count`, those in `preferred` first; none
    /// while any model waits for a worker. Remote workers with a model limit are left out: a
    /// racer's copy would not count against it.
    func claimIdle(for model: UInt32, upTo count: Int, preferring preferred: Set<WorkerID>) -> [WorkerID] {
        guard count > 0, waiting.isEmpty else { return [] }
        let order = slots.indices.sorted { a, b in
            let (x, y) = (slots[a].worker.map(preferred.contains) ?? false, slots[b].worker.map(preferred.contains) ?? false)
            return x != y ? x : a < b
        }
        var claimed: [WorkerID] = []
        for slot in order where claimed.count < count && capacities[slot] == nil {
            if let id = slots[slot].assign(model: model) { claimed.append(id) }
        }
        return claimed
    }

    /// Gives an idle worker the oldest waiting model, preferring one it holds warm.
    func takeWaiting(for id: WorkerID) -> UInt32? {
        guard slots[id.slot].worker == id, slots[id.slot].isIdle, !waiting.isEmpty else { return nil }
        let index = waiting.firstIndex { $0.home == id } ?? 0
        let model = waiting.remove(at: index).model
        return slots[id.slot].assign(model: model).map { _ in model }
    }

    func cancel(model: UInt32) {
        waiting.removeAll { $0.model == model }
    }

    /// Sends a request to a live worker; one that has gone drops it (its exit is being handled).
    func send(_ request: WorkerRequest, to id: WorkerID) {
        transports[id]?.send(request)
    }

    func kill(_ id: WorkerID) {
        transports[id]?.kill()
    }

    /// Whether any worker is up (started, not yet gone).
    var hasLiveWorker: Bool { slots.contains(where: Self.isUp) }

    /// The process ids of every worker process still held, in whatever state.
    var processIDs: [Int32] { transports.values.compactMap(\.pid) }

    /// The process ids of the workers that are up (tests kill them to prove recovery).
    var pids: [Int32] { slots.filter(Self.isUp).compactMap { $0.worker.flatMap { transports[$0]?.pid } } }

    private static func isUp(_ state: WorkerState) -> Bool {
        switch state.phase {
        case .idle, .solving: true
        default: false
        }
    }

    // MARK: carrying out a slot's actions

    @discardableResult
    private func perform(_ actions: [WorkerState.Action], slot: Int) -> [Notice] {
        var notices: [Notice] = []
        for action in actions {
            switch action {
            case .spawn(let id):
                let launcher = remoteSlots.values.contains(slot) ? (remoteLauncher ?? self.launcher) : self.launcher
                transports[id] = launcher.launch(id, on: loop, report: report)
            case .scheduleRespawn(let delay):
                let wake = self.wake
                if delay == 0 {
                    loop.execute { wake(slot) }
                } else {
                    loop.scheduleTask(in: .milliseconds(Int64(delay))) { wake(slot) }
                }
            case .serveWaiting(let id):
                notices.append(.idle(id))
            case let .lost(model, worker):
                notices.append(.lost(model: model, worker: worker))
            case .shutdown(let id):
                transports[id]?.send(.shutdown)
            }
        }
        return notices
    }
}
