import LiveSolveCoordination
import LiveSolveModel

/// Everything the coordinator holds for one model. The coordinator is the source of truth:
/// the model with every accepted update applied, its newest solution and basis. A worker is a cache.
final class ModelRecord {
    let id: String
    let number: UInt32
    var model: Model
    /// When to solve: the seq, the pending updates, the solve in flight, the warm worker.
    var state = ModelState()
    var basis: Basis?
    /// When its last solve was dispatched: a worker with no room left drops the oldest.
    var lastDispatch = Moment(nanoseconds: 0)
    var history: SolutionHistory
    /// Keyed by the subscribing connection; changed through `add` and `remove`.
    private(set) var subscribers: [ObjectIdentifier: Subscription] = [:]
    /// The same subscriptions in the order they subscribed, which fan-out passes follow: that is
    /// roughly the order their objects and sockets were allocated in, which a pass over 10 000
    /// of them visits faster than a dictionary's hash order. Ended ones (inactive) stay until the
    /// next pass or until they outnumber the rest, so ending one costs O(1): an ordered
    /// dictionary's removal shifts everything after it.
    private var subscriptionOrder: [Subscription] = []
    /// Subscriptions asking for stability bands: while there are any, every solve computes them.
    private(set) var bandSubscribers = 0
    /// A request waits for bands the newest solution lacks: the next solve computes them.
    var bandsRequested = false
    /// The parameters' values the solve in flight saw, when it computes bands: what its
    /// `parameterRanges` are centred on, whatever updates came since.
    var bandParameters: [Double]?
    /// Whether the next solve computes every stability band (a linear model's only).
    var wantsBands: Bool { (bandSubscribers > 0 || bandsRequested) && model.program.integerCount == 0 }
    /// Subscriptions asking for duals, reduced costs or cost bands: while there are any, no
    /// update is answered by ranging.
    private(set) var solvedCostSubscribers = 0
    /// The costs the solve in flight saw, when updates may be answered by ranging after it.
    var dispatchedCosts: [Double]?
    /// Left by the last solve for answering cost changes by ranging; nil when there is none.
    var rangingBudget: RangingBudget?
    /// Whether the ranging fast path pays for this model, from what it answered and cost.
    var fastPath = FastPathPolicy()
    /// Which simplex its warm solves run, per kind of change (`solve.strategy`).
    var strategy: StrategyPolicy
    /// The kind of change the solve in flight measures, when it is a warm one the policy learns from.
    var dispatchedKind: StrategyPolicy.ChangeKind?
    /// Whether the worker keeps a factorization for the next warm solve to start from: not
    /// after a cold solve or a load.
    var isFactorized = false
    /// The wall time of its last warm solve: a model slower than `solve.raceMillis` is raced.
    var warmSolveMicros = 0
    /// Races won, by strategy.
    var raceWins: [Algorithm: Int] = [:]

    /// Whether its newest solution lacks some of `fields` that one more solve gives: bands
    /// computed while nobody asked, or what a solution answered by ranging does not know.
    func needsSolve(for fields: FieldSet) -> Bool {
        guard let newest = history.newest, newest.status == .optimal, model.program.integerCount == 0 else { return false }
        let missing = fields.fields.contains { $0.isBand && !history.holds($0) }
        return missing || fields.needsSolvedCosts && newest.algorithm == .ranging
    }

    /// Requests waiting for a solution with at least their seq (`?wait=true`, `get`).
    var waiters: [SolutionWaiter] = []
    /// The pass taking the newest version to the subscribers, while one is under way.
    var fanout: FanoutPass?
    /// The newest seq whose change is committed to the store (every seq with `storage.durability`
    /// other than `sync`); -1 until the model's own creation is.
    var storedSeq = -1
    /// Solves that ended with changes not yet committed, oldest first: with `sync`, no client
    /// is shown a solution of a state that could still be lost.
    var heldInstalls: [HeldInstall] = []
    /// With `sync`, the updates not yet committed, oldest first, each with what undoes it:
    /// a commit that fails takes them all back.
    var unstored: [(seq: Int, undo: ModelDelta)] = []
    /// Updates logged since the model's last snapshot.
    var updatesSinceSnapshot = 0

    /// The model this one follows (a fork made with `"follow": true`), until it is deleted.
    var parent: ModelRecord?
    /// The entries this fork set itself, which its parent's updates leave alone.
    var overrides = Overrides()
    /// The forks following this model: each of its updates is passed on to them.
    var followers: [ModelRecord] = []
    /// Forks of this model being made, by ticket: the update messages accepted meanwhile,
    /// which each takes once it follows.
    var forksUnderWay: [Int: [String]] = [:]

    /// `preempt`: `solve.preempt`, which applies to integer models only (a linear solve is short);
    /// `seq`: the newest, for a model brought back from the store.
    init(id: String, number: UInt32, model: Model, history: Int, preempt: Bool = false, seq: Int = 0, strategy: StrategyPolicy = StrategyPolicy()) {
        state = ModelState(restoredSeq: seq)
        self.strategy = strategy
        self.id = id
        self.number = number
        self.model = model
        self.history = SolutionHistory(limit: history)
        state.preemptsSolves = preempt && model.program.integerCount > 0
    }

    /// The newest accepted update.
    var seq: Int { state.seq }

    /// The whole state now, for a snapshot.
    var image: StoreWriter.Image {
        .init(number: number, name: model.name, seq: seq, model: model, basis: basis?.statuses, following: following)
    }

    /// What the store keeps of a following fork: its parent's number and its overrides.
    var following: (parent: UInt32, overrides: String)? {
        parent.map { ($0.number, JSONWriter.string(overrides.json)) }
    }

    /// `solving` until the first solve ends, then the newest status.
    var statusName: String { history.newest?.status.rawValue ?? "solving" }

    /// What a subscriber's state machine needs of the newest version.
    var newest: SubscriberState.Newest? {
        guard let newest = history.newest else { return nil }
        return .init(number: newest.number, seq: newest.seq, hasMaps: newest.hasMaps,
                     oldestDeltaBase: (history.versions.first?.number ?? newest.number) - 1)
    }

    /// Adds a subscription; one it replaces on the same connection has been marked inactive.
    func add(_ subscription: Subscription) {
        if let replaced = subscribers[ObjectIdentifier(subscription.connection)] { count(replaced, by: -1) }
        count(subscription, by: 1)
        subscribers[ObjectIdentifier(subscription.connection)] = subscription
        subscriptionOrder.append(subscription)
        dropEndedIfMost()
    }

    /// Removes a subscription that has been marked inactive.
    func remove(_ subscription: Subscription) {
        if let removed = subscribers.removeValue(forKey: ObjectIdentifier(subscription.connection)) { count(removed, by: -1) }
        dropEndedIfMost()
    }

    private func count(_ subscription: Subscription, by step: Int) {
        if subscription.fields.hasBands { bandSubscribers += step }
        if subscription.fields.needsSolvedCosts { solvedCostSubscribers += step }
    }

    private func dropEndedIfMost() {
        if subscriptionOrder.count > 2 * subscribers.count + 64 { subscriptionOrder.removeAll { !$0.isActive } }
    }

    /// The active subscriptions in the order they subscribed.
    func subscribersInOrder() -> [Subscription] {
        subscriptionOrder.removeAll { !$0.isActive }
        return subscriptionOrder
    }
}
