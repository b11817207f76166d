import LiveSolveModel

/// One model's solving lifecycle: which updates are accepted and not yet solved, the solve in
/// flight, the worker holding the model warm, and how often solving it has killed a worker.
///
/// At most one solve per model is in flight (a race runs it on several workers at once, and the
/// first conclusive answer ends it); updates arriving meanwhile merge into the pending delta,
/// which the next solve takes whole. Events come in through the mutating methods, and
/// each returns what the caller must do. The model's program itself lives beside this state:
/// this machine decides when to solve, not what.
///
/// ```
/// idle ──accept──▶ waitingForWorker ──assigned──▶ solving ──solved/failed──▶ idle (or waiting)
///                                                  │  ▲ │
///                                       improved ──┘  │ └──▶ worker exited: re-dispatch, or report after 3 crashes
///                          accept (preempting: stop) ─┘
/// ```
///
/// An integer model's solve reports improving incumbents (`improved`) before it ends; with
/// `preemptsSolves`, the first update accepted while it runs asks its worker to stop it, and
/// the next solve takes the newest state, warm from the incumbent. That next solve is not
/// stopped in turn: it runs to its end, so a feed faster than the solves still gets a final
/// solution every other solve instead of none until it pauses.
public struct ModelState: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        /// Nothing to solve: the newest solution includes every accepted update.
        case idle
        /// Updates pending, no worker free yet.
        case waitingForWorker
        case solving(Solve)
        /// Deleted: every later event is ignored.
        case deleted
    }

    /// How fresh a solve's input is: when the newest update in it was accepted (the model's
    /// creation for its first solve), and how long that update waited for the solve to begin.
    public struct Freshness: Sendable, Equatable {
        public var newestUpdate: Moment
        public var queuedMicros: Int

        public init(newestUpdate: Moment, queuedMicros: Int) {
            (self.newestUpdate, self.queuedMicros) = (newestUpdate, queuedMicros)
        }
    }

    /// The solve in flight.
    public struct Solve: Sendable, Equatable {
        public var worker: WorkerID
        /// The newest accepted update it includes.
        public var seq: Int
        public var updatesMerged: Int
        /// When the oldest update in it was accepted, for the update-to-publish latency.
        public var oldestUpdate: Moment
        public var freshness: Freshness
        /// When its worker is killed if it has not answered: the time limit plus grace.
        public var deadline: Moment
        /// Its worker was killed for overrunning the deadline.
        public var timedOut = false
        /// It includes updates since rolled back: how it ends is not reported.
        public var isStale = false
        /// Its worker was asked to stop it: a newer update is pending.
        public var stopRequested = false
        /// Other workers solving the same input with other strategies (a race): the first
        /// conclusive answer wins, and the rest are stopped.
        public var racers: [WorkerID] = []

        /// Whether `worker` is solving it, as its worker or a racer.
        func involves(_ worker: WorkerID) -> Bool { self.worker == worker || racers.contains(worker) }

        public init(worker: WorkerID, seq: Int, updatesMerged: Int, oldestUpdate: Moment, freshness: Freshness, deadline: Moment,
                    timedOut: Bool = false, isStale: Bool = false) {
            (self.worker, self.seq, self.updatesMerged, self.oldestUpdate, self.freshness, self.deadline, self.timedOut, self.isStale)
                = (worker, seq, updatesMerged, oldestUpdate, freshness, deadline, timedOut, isStale)
        }

        func outcome(isIncumbent: Bool = false) -> Outcome {
            Outcome(seq: seq, updatesMerged: updatesMerged, oldestUpdate: oldestUpdate, freshness: freshness,
                    isIncumbent: isIncumbent, wasStopped: !isIncumbent && stopRequested)
        }

        func failure(_ status: SolveStatus, message: String?) -> Failure {
            Failure(status: status, message: message, seq: seq, updatesMerged: updatesMerged, freshness: freshness)
        }
    }

    /// What a solve brought: the caller installs it as the newest version.
    public struct Outcome: Sendable, Equatable {
        public var seq: Int
        public var updatesMerged: Int
        public var oldestUpdate: Moment
        public var freshness: Freshness
        /// An incumbent sent while the solve runs, not its end.
        public var isIncumbent: Bool
        /// The solve was asked to stop for a newer update: its end is not the last word on
        /// this seq, which the next solve's answer supersedes.
        public var wasStopped: Bool

        public init(seq: Int, updatesMerged: Int, oldestUpdate: Moment, freshness: Freshness, isIncumbent: Bool = false,
                    wasStopped: Bool = false) {
            (self.seq, self.updatesMerged, self.oldestUpdate, self.freshness, self.isIncumbent, self.wasStopped)
                = (seq, updatesMerged, oldestUpdate, freshness, isIncumbent, wasStopped)
        }
    }

    /// A solve that ended without an answer to install.
    public struct Failure: Sendable, Equatable {
        public var status: SolveStatus
        public var message: String?
        public var seq: Int
        public var updatesMerged: Int
        public var freshness: Freshness

        public init(status: SolveStatus, message: String?, seq: Int, updatesMerged: Int, freshness: Freshness) {
            (self.status, self.message, self.seq, self.updatesMerged, self.freshness) = (status, message, seq, updatesMerged, freshness)
        }
    }

    /// What to send a worker the model was assigned to.
    public struct Dispatch: Sendable, Equatable {
        /// The updates since the worker's last solve of this model; with `isWarm` false the
        /// worker holds no copy, so the whole model (with every update) and its basis are loaded.
        public var delta: ModelDelta
        public var isWarm: Bool
        /// Whether the answer must carry whole vectors: the worker's last answer for the model
        /// was not the one installed (it loaded the model, or it lost a race).
        public var needsFull: Bool
        /// Workers holding copies that this solve leaves behind, which should forget them.
        public var drops: [WorkerID]
        /// The racers, each warm (with what its copy lacks) or loading the model whole; they
        /// answer in full.
        public var racers: [Racer]

        public struct Racer: Sendable, Equatable {
            public var worker: WorkerID
            /// What its copy lacks; nil when it holds none and loads the model whole.
            public var delta: ModelDelta?
            public init(worker: WorkerID, delta: ModelDelta?) { (self.worker, self.delta) = (worker, delta) }
        }

        public init(delta: ModelDelta, isWarm: Bool, needsFull: Bool? = nil, drops: [WorkerID] = [], racers: [Racer] = []) {
            (self.delta, self.isWarm, self.needsFull, self.drops, self.racers) = (delta, isWarm, needsFull ?? !isWarm, drops, racers)
        }
    }

    public enum Action: Sendable, Equatable {
        /// Find a worker, preferably the one holding the model warm; then call `assigned`.
        case requestWorker(preferring: WorkerID?)
        /// Stop waiting for a worker (the model was deleted).
        case cancelWaiting
        case install(Outcome)
        case reportFailure(Failure)
        /// The solve overran its deadline: kill its worker; its exit reports `time_limit`.
        case kill(WorkerID)
        /// Tell a worker to forget the model.
        case drop(from: WorkerID)
        /// Ask the worker to stop the model's running solve at its next event.
        case stop(WorkerID)
        /// A race was won by `winner`: stop the others and start them from the winner's basis.
        case endRace(winner: WorkerID, losers: [WorkerID])
    }

    /// Workers lost in a row on one model before it is reported as an error instead of taking
    /// down every worker in turn: more than chance (two workers can die together).
    public static let crashesBeforeGivingUp = 3

    /// The newest accepted update (0: the initial state).
    public private(set) var seq = 0
    public private(set) var phase: Phase = .idle
    /// The worker holding the model, as this model last sent it.
    public private(set) var home: WorkerID?
    /// Other workers holding a copy (a race's losers, started from the winner's basis), each
    /// with the updates solved since without it: warm for the next race, which sends it those.
    private var lags: [WorkerID: ModelDelta] = [:]
    public var mirrors: Set<WorkerID> { Set(lags.keys) }
    /// Every worker holding a copy: the home, then the mirrors by slot.
    private var holders: [WorkerID] { (home.map { [$0] } ?? []) + lags.keys.sorted { $0.slot < $1.slot } }
    /// Workers that died while solving this model since its last answer.
    public private(set) var crashes = 0
    /// Whether an update stops a running solve (an integer model's, with `solve.preempt`).
    public var preemptsSolves = false
    /// A solve was stopped since the last one that ran to its end: the running one may not be.
    private var stoppedSinceEnd = false
    private var pending: (delta: ModelDelta, count: Int, oldest: Moment, newest: Moment)?
    /// When the newest update (or the creation) was accepted, for a solve with no update in it.
    private var newestAccepted: Moment?
    /// Updates the server answered itself, which the worker has not seen: they go with the
    /// next solve.
    private var answeredUnsolved: ModelDelta?

    public init() {}

    /// A model brought back from the store with its newest seq.
    public init(restoredSeq: Int) { seq = restoredSeq }

    public static func == (a: ModelState, b: ModelState) -> Bool {
        a.seq == b.seq && a.phase == b.phase && a.home == b.home && a.lags == b.lags && a.crashes == b.crashes
            && a.pending?.delta == b.pending?.delta && a.pending?.count == b.pending?.count && a.pending?.oldest == b.pending?.oldest
            && a.pending?.newest == b.pending?.newest && a.answeredUnsolved == b.answeredUnsolved
    }

    /// Updates accepted and not yet in a solve.
    public var pendingUpdates: Int { pending?.count ?? 0 }

    /// What the next solve applies, merged.
    public var pendingDelta: ModelDelta? { pending?.delta }

    /// Whether the newest solution (once installed) includes every accepted update.
    public var isSettled: Bool { phase == .idle }

    /// The deadline a watchdog should wake for: that of a solve not yet killed.
    public var deadline: Moment? {
        guard case .solving(let solve) = phase, !solve.timedOut else { return nil }
        return solve.deadline
    }

    /// The model was created: its first solve, with no update in it.
    public mutating func create(at now: Moment) -> [Action] {
        guard phase == .idle, pending == nil else { return [] }
        pending = (ModelDelta(), 0, now, now)
        newestAccepted = now
        return requestIfPending()
    }

    /// The next solve must give something the last one did not (its stability bands): solve
    /// again with no update in it, after the solve in flight if there is one. Its seq is the
    /// same; its input is as old as the newest update.
    public mutating func solveAgain(at now: Moment) -> [Action] {
        guard phase != .deleted, pending == nil else { return [] }
        let newest = newestAccepted ?? now
        pending = (answeredUnsolved ?? ModelDelta(), 0, newest, newest)
        answeredUnsolved = nil
        return requestIfPending()
    }

    /// Accepts an update the server answered itself, without a solve (a cost change inside the
    /// stability bands): the next seq; its change waits for the next solve. Only while idle.
    public mutating func acceptAnswered(_ delta: ModelDelta, at now: Moment) {
        precondition(phase == .idle && pending == nil, "an update is answered without a solve only while the model is idle")
        seq += 1
        newestAccepted = now
        if answeredUnsolved == nil { answeredUnsolved = delta } else { answeredUnsolved!.merge(delta) }
    }

    /// Accepts a validated update: the next seq, merged last-write-wins into the pending delta.
    public mutating func accept(_ delta: ModelDelta, at now: Moment) -> [Action] {
        guard phase != .deleted else { return [] }
        seq += 1
        newestAccepted = now
        if pending == nil {
            var merged = answeredUnsolved ?? ModelDelta()
            merged.merge(delta)
            answeredUnsolved = nil
            pending = (merged, 1, now, now)
        } else {
            pending!.delta.merge(delta)
            pending!.count += 1
            pending!.newest = now
        }
        if preemptsSolves, !stoppedSinceEnd, case .solving(var solve) = phase, !solve.stopRequested, !solve.timedOut {
            solve.stopRequested = true
            stoppedSinceEnd = true
            phase = .solving(solve)
            return [.stop(solve.worker)]
        }
        return requestIfPending()
    }

    /// A worker was found, and `racers` besides it to race the solve on. Nil when there is
    /// nothing to send (the model was deleted, or is already solving): the caller gives the
    /// workers back.
    public mutating func assigned(_ worker: WorkerID, racers: [WorkerID] = [], at now: Moment, deadline: Moment) -> Dispatch? {
        guard phase == .waitingForWorker, let work = pending else { return nil }
        // What each copy lacks: the home nothing but this solve's updates, a mirror its lag too.
        func delta(for holder: WorkerID) -> ModelDelta? {
            if holder == home { return work.delta }
            guard var lag = lags[holder] else { return nil }
            lag.merge(work.delta)
            return lag
        }
        let primaryDelta = delta(for: worker)
        let isWarm = primaryDelta != nil
        let participants = [worker] + racers
        // A home that loses its place goes; the mirrors left out fall further behind.
        let drops = home.map { participants.contains($0) || lags[$0] != nil ? [] : [$0] } ?? []
        let racing = racers.map { Dispatch.Racer(worker: $0, delta: delta(for: $0)) }
        for mirror in lags.keys where !participants.contains(mirror) { lags[mirror]!.merge(work.delta) }
        for participant in participants { lags[participant] = nil }
        let needsFull = !isWarm || home != worker
        home = worker
        pending = nil
        let freshness = Freshness(newestUpdate: work.newest, queuedMicros: Int((now.nanoseconds &- min(now.nanoseconds, work.newest.nanoseconds)) / 1000))
        var solve = Solve(worker: worker, seq: seq, updatesMerged: work.count, oldestUpdate: work.oldest, freshness: freshness, deadline: deadline)
        solve.racers = racers
        phase = .solving(solve)
        // A warm copy takes the updates since its last solve; a cold one loads the model whole.
        return Dispatch(delta: primaryDelta ?? ModelDelta(), isWarm: isWarm, needsFull: needsFull, drops: drops, racers: racing)
    }

    /// A worker answered the solve; `isConclusive`: it ended optimal, infeasible or unbounded.
    /// In a race the first conclusive answer wins and the others are stopped; an inconclusive
    /// one (stopped, a limit, an error) leaves the race to the rest. An answer from a worker
    /// not solving it (replaced since, or a race's loser) is ignored.
    public mutating func solved(by worker: WorkerID, isConclusive: Bool = true) -> [Action] {
        guard case .solving(var solve) = phase, solve.involves(worker) else { return [] }
        if !solve.racers.isEmpty, !isConclusive {
            leave(worker, from: &solve)
            return []
        }
        let losers = ([solve.worker] + solve.racers).filter { $0 != worker }
        phase = .idle
        crashes = 0
        // The losers hold the same input; from the winner's basis they are as warm as it is.
        // (A rolled-back one's copies all go: the next solve loads the model whole.)
        if !losers.isEmpty, !solve.isStale {
            home = worker
            for loser in losers { lags[loser] = ModelDelta() }
        }
        if !solve.stopRequested { stoppedSinceEnd = false }
        let race: [Action] = losers.isEmpty ? [] : [.endRace(winner: worker, losers: losers)]
        // Rolled back: the next solve loads the model whole; the losers' copies go.
        if solve.isStale { return race + losers.map { .drop(from: $0) } + requestIfPending() }
        var ended = solve
        ended.worker = worker
        return [.install(ended.outcome())] + race + requestIfPending()
    }

    /// A racer drops out of the race in flight; its worker, if it leaves, is the next racer.
    private mutating func leave(_ worker: WorkerID, from solve: inout Solve) {
        if solve.worker == worker {
            solve.worker = solve.racers.removeFirst()
            home = solve.worker
        } else {
            solve.racers.removeAll { $0 == worker }
        }
        phase = .solving(solve)
    }

    /// The worker sent an improving incumbent of the solve it is still running.
    public func improved(by worker: WorkerID) -> [Action] {
        guard case .solving(let solve) = phase, solve.worker == worker, !solve.isStale else { return [] }
        return [.install(solve.outcome(isIncumbent: true))]
    }

    /// The worker could not solve (it reported an error): the model reports it, and the worker
    /// is not trusted to hold it any more.
    public mutating func solveFailed(by worker: WorkerID, message: String) -> [Action] {
        guard case .solving(var solve) = phase, solve.involves(worker) else { return [] }
        lags[worker] = nil
        if !solve.racers.isEmpty {
            leave(worker, from: &solve)
            return []
        }
        phase = .idle
        home = nil
        if solve.isStale { return requestIfPending() }
        return [.reportFailure(solve.failure(.error, message: "worker: \(message)"))] + requestIfPending()
    }

    /// The worker no longer holds the model: it could not load it (the solve that follows the
    /// load reports the error), or was told to drop it to make room for another.
    public mutating func forgotten(by worker: WorkerID) {
        if home == worker { home = nil }
        lags[worker] = nil
    }

    /// The watchdog woke at `now`: a solve past its deadline gets its worker killed, once.
    public mutating func checkDeadline(at now: Moment) -> [Action] {
        guard case .solving(var solve) = phase, !solve.timedOut, solve.deadline <= now else { return [] }
        solve.timedOut = true
        phase = .solving(solve)
        return [.kill(solve.worker)]
    }

    /// A worker exited. If it was solving this model, the solve is re-dispatched (warm, elsewhere,
    /// with the whole model: no accepted update is lost), or reported: `time_limit` when it was
    /// killed for its deadline, an error after `crashesBeforeGivingUp` crashes in a row.
    public mutating func workerExited(_ worker: WorkerID) -> [Action] {
        if home == worker { home = nil }
        lags[worker] = nil
        guard case .solving(var solve) = phase, solve.involves(worker) else { return [] }
        if !solve.racers.isEmpty {
            // The race goes on without it.
            leave(worker, from: &solve)
            return []
        }
        phase = .idle
        // A rolled-back solve's re-solve is already pending, whole.
        if solve.isStale { return requestIfPending() }
        if solve.timedOut {
            return [.reportFailure(solve.failure(.timeLimit, message: nil))] + requestIfPending()
        }
        crashes += 1
        if crashes >= Self.crashesBeforeGivingUp {
            let message = "the solver process exited \(crashes) times while solving this model"
            crashes = 0
            return [.reportFailure(solve.failure(.error, message: message))] + requestIfPending()
        }
        // The solve's updates go back in front of anything newer; the next solve loads the
        // whole model, which holds them all, so only their count and age matter here.
        if let later = pending {
            pending = (later.delta, later.count + solve.updatesMerged, solve.oldestUpdate, later.newest)
        } else {
            pending = (ModelDelta(), solve.updatesMerged, solve.oldestUpdate, solve.freshness.newestUpdate)
        }
        return requestIfPending()
    }

    /// The updates after `seq` were not stored and are undone: the model is back at `seq`, and
    /// its next solve loads it whole (its worker's copy holds what was undone). A solve in flight
    /// that includes an undone update ends unreported; the re-solve follows it.
    public mutating func rollBack(to seq: Int, at now: Moment) -> [Action] {
        guard phase != .deleted, seq < self.seq else { return [] }
        self.seq = seq
        // The model is loaded whole from what was stored.
        answeredUnsolved = nil
        var actions: [Action] = holders.map { .drop(from: $0) }
        home = nil
        lags = [:]
        if case .solving(var solve) = phase, solve.seq > seq {
            solve.isStale = true
            phase = .solving(solve)
        }
        pending = (ModelDelta(), max(pending?.count ?? 0, 1), pending?.oldest ?? now, pending?.newest ?? now)
        return actions + requestIfPending()
    }

    /// The model was deleted: its worker forgets it, and a wait for a worker ends.
    public mutating func delete() -> [Action] {
        guard phase != .deleted else { return [] }
        var actions: [Action] = []
        if phase == .waitingForWorker { actions.append(.cancelWaiting) }
        actions += holders.map { .drop(from: $0) }
        if case .solving(let solve) = phase { for racer in solve.racers where racer != home { actions.append(.drop(from: racer)) } }
        phase = .deleted
        pending = nil
        home = nil
        lags = [:]
        return actions
    }

    private mutating func requestIfPending() -> [Action] {
        guard phase == .idle, pending != nil else { return [] }
        phase = .waitingForWorker
        return [.requestWorker(preferring: home)]
    }
}
