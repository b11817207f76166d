import LiveSolveModel
import NIOCore

/// Everything the coordinator holds for one model. The coordinator is the source of truth:
/// the model with every accepted update applied, its newest solution and basis. A worker is a cache.
/// Touched only by the coordinator on the event loop, hence the unchecked `Sendable`.
final class ModelRecord: @unchecked Sendable {
    struct InFlight {
        var worker: WorkerProcess
        var seq: Int
        var updatesMerged: Int
        /// When the oldest update in this solve was accepted, for the update-to-publish latency.
        var oldestUpdate: NIODeadline
        /// When its worker is killed if it has not answered: the time limit plus grace.
        var deadline: NIODeadline
        var timedOut = false
    }

    let id: String
    let number: UInt32
    var model: Model
    /// The newest accepted update (0: the initial state).
    var seq = 0
    /// Updates accepted since the last dispatch, merged last-write-wins.
    var pending: ModelDelta?
    var pendingCount = 0
    var oldestPending: NIODeadline?
    var inFlight: InFlight?

    /// The worker holding this model warm.
    var home: WorkerProcess?
    var basis: Basis?
    /// Workers that died while solving this model since its last answer: a model that keeps
    /// killing its solver is reported as an error instead of taking down every worker in turn.
    var crashes = 0
    var history: SolutionHistory
    /// Keyed by the subscribing connection; changed through `add` and `remove`.
    private(set) var subscribers: [ObjectIdentifier: Connection.Subscription] = [:]
    /// The same subscriptions in the order they subscribed, which fan-out passes follow: that is
    /// roughly the order their objects and sockets were allocated in, and at 10 000 subscribers
    /// the locality took a pass from ~65 to ~55 ms against a dictionary's hash order. Ended ones
    /// (inactive) stay until the next pass or until they outnumber the rest, so ending one costs
    /// O(1): an ordered dictionary's removal shifts everything after it (0.66 s for 10 000).
    private var subscriptionOrder: [Connection.Subscription] = []
    var waiters: [Waiter] = []
    /// The pass taking the newest version to the subscribers, while one is under way.
    var fanout: FanoutPass?

    /// Adds a subscription; one it replaces on the same connection has been marked inactive.
    func add(_ subscription: Connection.Subscription) {
        subscribers[ObjectIdentifier(subscription.connection)] = subscription
        subscriptionOrder.append(subscription)
        dropEndedIfMost()
    }

    /// Removes a subscription that has been marked inactive.
    func remove(_ subscription: Connection.Subscription) {
        subscribers[ObjectIdentifier(subscription.connection)] = nil
        dropEndedIfMost()
    }

    private func dropEndedIfMost() {
        if subscriptionOrder.count > 2 * subscribers.count + 64 { subscriptionOrder.removeAll { !$0.isActive } }
    }

    /// The active subscriptions in the order they subscribed.
    func subscribersInOrder() -> [Connection.Subscription] {
        subscriptionOrder.removeAll { !$0.isActive }
        return subscriptionOrder
    }

    struct Waiter {
        var minSeq: Int
        var resume: (Result<SolutionVersion, RequestError>) -> Void
    }

    init(id: String, number: UInt32, model: Model, history: Int) {
        self.id = id
        self.number = number
        self.model = model
        self.history = SolutionHistory(limit: history)
    }

    /// `solving` until the first solve ends, then the newest status.
    var statusName: String { history.newest?.status.rawValue ?? "solving" }
}

/// One pass of a model's newest version over its subscribers (see `Coordinator.publish`).
final class FanoutPass {
    /// Identifies a delta frame: from which version, to which, with which fields.
    struct FrameKey: Hashable {
        var from: Int
        var to: Int
        var fields: FieldSet
    }

    let subscribers: [Connection.Subscription]
    var next = 0
    /// A version was installed during this pass: another pass follows it.
    var hasNewerVersion = false
    /// The frames encoded in this pass before the last one, each written to every subscriber it fits.
    var frames: [FrameKey: ByteBuffer] = [:]
    /// The last frame encoded or written: most subscribers of a model share one.
    var lastFrame: (key: FrameKey, frame: ByteBuffer)?

    init(subscribers: [Connection.Subscription]) { self.subscribers = subscribers }
}
