/// One slot of the worker pool: the process in it, what it is doing, and the backoff before
/// its next respawn.
///
/// ```
/// starting ──started──▶ idle ──assign──▶ solving ──solveEnded──▶ idle
///    │                   │                  │
///    └─ startFailed ─────┴──── exited ──────┴──▶ backingOff ──backoffElapsed──▶ starting
/// stop: starting/idle/solving ──▶ stopping ──exited──▶ exited
/// ```
///
/// A slot whose processes fail to start, or exit before answering anything, waits longer each
/// time (0.1 s doubling to 5 s); the first exit after an answer respawns at once. A remote
/// worker's slot (`respawns` false) is not respawned: it ends `exited`, and starts again when
/// the worker announces itself again.
public struct WorkerState: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        case starting(WorkerID)
        case idle(WorkerID)
        case solving(WorkerID, model: UInt32)
        /// Waiting out the backoff before the next spawn.
        case backingOff
        /// Asked to shut down; its exit is expected.
        case stopping(WorkerID)
        case exited
    }

    public enum Action: Sendable, Equatable {
        /// Start a process for this id; report `started` or `startFailed`.
        case spawn(WorkerID)
        /// Call `backoffElapsed` after this long.
        case scheduleRespawn(afterMilliseconds: Int)
        /// The worker is free: give it the oldest waiting model.
        case serveWaiting(WorkerID)
        /// The worker died solving this model, which must be re-dispatched.
        case lost(model: UInt32, worker: WorkerID)
        /// Ask the process to exit.
        case shutdown(WorkerID)
    }

    public let slot: Int
    /// Whether the pool starts the process again when it exits (a local child), or waits for it
    /// to come back on its own (a remote worker).
    public let respawns: Bool
    public private(set) var phase: Phase = .exited
    /// Failed starts and exits since the slot's last answer.
    public private(set) var failures = 0
    private var generation = 0
    private var isStopped = false

    public init(slot: Int, respawns: Bool = true) {
        self.slot = slot
        self.respawns = respawns
    }

    /// The live process's id, if there is one.
    public var worker: WorkerID? {
        switch phase {
        case .starting(let id), .idle(let id), .solving(let id, _), .stopping(let id): id
        case .backingOff, .exited: nil
        }
    }

    public var isIdle: Bool { if case .idle = phase { true } else { false } }

    /// The delay before the respawn that follows `failures` failures in a row.
    public static func backoff(afterFailures failures: Int) -> Int {
        failures == 0 ? 0 : min(5_000, 100 << min(failures - 1, 6))
    }

    /// Fills the empty slot (the pool starting).
    public mutating func start() -> [Action] {
        guard phase == .exited, !isStopped else { return [] }
        return [spawn()]
    }

    public mutating func started(_ id: WorkerID) -> [Action] {
        guard phase == .starting(id) else { return [] }
        phase = .idle(id)
        return [.serveWaiting(id)]
    }

    public mutating func startFailed(_ id: WorkerID) -> [Action] {
        guard phase == .starting(id) else { return [] }
        return backOff()
    }

    /// Takes the idle worker for a model's solve; nil when it is not idle.
    public mutating func assign(model: UInt32) -> WorkerID? {
        guard case .idle(let id) = phase else { return nil }
        phase = .solving(id, model: model)
        return id
    }

    /// The solve ended (answered, failed, or was not needed after all): the worker is free again.
    /// An answer proves the slot healthy: its next respawn starts from no backoff.
    public mutating func solveEnded(_ id: WorkerID, answered: Bool = true) -> [Action] {
        guard case .solving(id, _) = phase else { return [] }
        if answered { failures = 0 }
        phase = .idle(id)
        return [.serveWaiting(id)]
    }

    public mutating func exited(_ id: WorkerID) -> [Action] {
        switch phase {
        case .stopping(id):
            phase = .exited
            return []
        case .solving(id, let model):
            return [.lost(model: model, worker: id)] + backOff()
        case .starting(id), .idle(id):
            return backOff()
        default:
            return []  // an earlier process of this slot
        }
    }

    public mutating func backoffElapsed() -> [Action] {
        guard phase == .backingOff, !isStopped else { return [] }
        return [spawn()]
    }

    /// The server is stopping: no more spawns; a live process is asked to exit.
    public mutating func stop() -> [Action] {
        isStopped = true
        guard let id = worker else {
            phase = .exited
            return []
        }
        if case .stopping = phase { return [] }
        phase = .stopping(id)
        return [.shutdown(id)]
    }

    private mutating func spawn() -> Action {
        generation += 1
        let id = WorkerID(slot: slot, generation: generation)
        phase = .starting(id)
        return .spawn(id)
    }

    private mutating func backOff() -> [Action] {
        guard !isStopped, respawns else {
            phase = .exited
            return []
        }
        phase = .backingOff
        let delay = Self.backoff(afterFailures: failures)
        failures += 1
        return [.scheduleRespawn(afterMilliseconds: delay)]
    }
}
