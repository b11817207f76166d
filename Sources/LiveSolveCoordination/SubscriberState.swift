/// One subscriber of one model, as the fan-out sees it: waiting for its first snapshot, up to
/// date at a version, or lagging at a version while its socket is full.
///
/// ```
/// needsSnapshot(afterSeq) ──a version with that seq──▶ current(v) ──newer version──▶ current(v')
///                                                          │  socket full          ▲
///                                                          └──▶ lagging(v) ─drained┘ (one delta or a snapshot)
/// ```
///
/// Each transition says what to send: nothing, a snapshot, or one delta from the version held.
public struct SubscriberState: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        /// Subscribed; the first snapshot must include updates up to `afterSeq`.
        case needsSnapshot(afterSeq: Int)
        /// Holds version `version`; `hasMaps` says whether it was sent maps a delta applies to
        /// (a model with no solution yet sends none).
        case current(version: Int, hasMaps: Bool)
        /// Holds `version` and was skipped since, because its socket was full.
        case lagging(version: Int, hasMaps: Bool)
    }

    /// What the fan-out knows of the model's newest version.
    public struct Newest: Sendable, Equatable {
        public var number: Int
        public var seq: Int
        public var hasMaps: Bool
        /// The oldest version a delta can start from; a subscriber further behind gets a snapshot.
        public var oldestDeltaBase: Int

        public init(number: Int, seq: Int, hasMaps: Bool, oldestDeltaBase: Int) {
            self.number = number
            self.seq = seq
            self.hasMaps = hasMaps
            self.oldestDeltaBase = oldestDeltaBase
        }
    }

    public enum Delivery: Sendable, Equatable {
        case nothing
        case snapshot
        /// One delta from the version the subscriber holds to the newest.
        case delta(from: Int)
        /// The socket is full: check it again soon, then call `drained`.
        case watchDrain
    }

    public private(set) var phase: Phase

    /// A new subscription: a snapshot now if the newest version includes every accepted update
    /// (`modelSettled`: nothing is pending or solving), else the first version that does.
    public static func subscribe(newest: Newest?, modelSeq: Int, modelSettled: Bool) -> (SubscriberState, Delivery) {
        if let newest, newest.seq >= modelSeq, modelSettled {
            return (SubscriberState(phase: .current(version: newest.number, hasMaps: newest.hasMaps)), .snapshot)
        }
        return (SubscriberState(phase: .needsSnapshot(afterSeq: modelSeq)), .nothing)
    }

    public init(phase: Phase) { self.phase = phase }

    /// A new version was installed and the fan-out reached this subscriber.
    public mutating func offer(_ newest: Newest, writable: Bool) -> Delivery {
        switch phase {
        case .needsSnapshot(let afterSeq):
            guard newest.seq >= afterSeq else { return .nothing }
            return snapshot(newest)
        case .lagging:
            return .nothing
        case let .current(version, hasMaps):
            guard version < newest.number else { return .nothing }
            guard writable else {
                phase = .lagging(version: version, hasMaps: hasMaps)
                return .watchDrain
            }
            guard hasMaps || !newest.hasMaps, version >= newest.oldestDeltaBase else { return snapshot(newest) }
            phase = .current(version: newest.number, hasMaps: hasMaps)
            return .delta(from: version)
        }
    }

    /// The socket of a lagging subscriber drained: one delta from its version to the newest, or
    /// a snapshot when it has no maps yet or its version has left the history.
    public mutating func drained(_ newest: Newest?) -> Delivery {
        guard case let .lagging(version, hasMaps) = phase else { return .nothing }
        phase = .current(version: version, hasMaps: hasMaps)
        guard let newest, version < newest.number else { return .nothing }
        guard hasMaps, version >= newest.oldestDeltaBase else { return snapshot(newest) }
        phase = .current(version: newest.number, hasMaps: true)
        return .delta(from: version)
    }

    /// Whether it is skipped until its socket drains.
    public var isLagging: Bool { if case .lagging = phase { true } else { false } }

    private mutating func snapshot(_ newest: Newest) -> Delivery {
        phase = .current(version: newest.number, hasMaps: newest.hasMaps)
        return .snapshot
    }
}
