import LiveSolveModel

/// Which simplex a model's next warm solve runs, learnt per kind of change: each strategy's
/// latest solve times are kept, the one with the lowest median is chosen, and now and then another is
/// tried so that a model whose best choice drifts is followed.
///
/// A fresh kind starts from the textbook choice (primal after a cost change, which keeps the
/// basis primal feasible; dual after a bound change, which keeps it dual feasible), tries each
/// other strategy once on its next solves, then explores at its 4th, 8th, 16th and 32nd solve
/// and every `exploreEvery`th after (one slow early sample must not bury a strategy). Cold
/// (presolve from scratch) is tried only while it is not far slower than the best: the model's
/// first solve, which is cold, tells how long it takes.
public struct StrategyPolicy: Sendable, Equatable {
    /// PROTOCOL's change kinds: a delta counts as the widest it touches.
    public enum ChangeKind: String, Sendable, CaseIterable {
        case objective, bounds, rows, matrix

        /// Nil for a delta that changes nothing.
        public init?(_ delta: ModelDelta) {
            if !delta.coefficients.isEmpty { self = .matrix }
            else if !delta.rowLower.isEmpty || !delta.rowUpper.isEmpty { self = .rows }
            else if !delta.columnLower.isEmpty || !delta.columnUpper.isEmpty { self = .bounds }
            else if !delta.objective.isEmpty || delta.objectiveConstant != nil { self = .objective }
            else { return nil }
        }

        /// The choice before anything is measured.
        var textbook: Algorithm {
            switch self {
            case .objective, .matrix: .primal
            case .bounds, .rows: .dual
            }
        }
    }

    public struct Statistics: Sendable, Equatable {
        public var solves = 0
        /// The latest solve times, newest last, at most `kept`.
        public var recent: [Int] = []
        public static let kept = 5

        /// The median of the latest solves: one slow solve (a hard step, a busy machine) does
        /// not bury a strategy until its next exploration, as it would a mean.
        public var medianMicros: Double {
            let sorted = recent.sorted()
            guard !sorted.isEmpty else { return 0 }
            let middle = sorted.count / 2
            return sorted.count % 2 == 1 ? Double(sorted[middle]) : Double(sorted[middle - 1] + sorted[middle]) / 2
        }
    }

    public struct KindState: Sendable, Equatable {
        public var statistics: [Algorithm: Statistics] = [:]
        /// Solves chosen for this kind so far.
        public var chosen = 0
        /// The strategy of the last exploration, which the next one rotates past.
        var lastExplored: Algorithm?
    }

    public static let strategies: [Algorithm] = [.primal, .dual, .cold]
    public static let exploreEvery = 50
    /// Cold is not explored while its time is over this many times the best's.
    public static let coldLimit = 3.0

    /// Set: every solve runs it, and nothing is learnt (`solve.strategy` other than adaptive).
    public let fixed: Algorithm?
    public private(set) var kinds: [ChangeKind: KindState] = [:]
    /// The model's first (cold) solve's time: what a cold solve costs before one is explored.
    public private(set) var firstSolveMicros: Double?

    public init(fixed: Algorithm? = nil) { self.fixed = fixed }

    /// The strategy for the next solve of a delta of this kind; it counts as a solve chosen.
    public mutating func choose(for kind: ChangeKind) -> Algorithm {
        if let fixed { return fixed }
        var state = kinds[kind] ?? KindState()
        defer { state.chosen += 1; kinds[kind] = state }
        let best = choice(for: kind)
        let others = Self.strategies.filter { $0 != best && isWorthTrying($0, against: best, in: state) }
        // Each other strategy once, early; then one every `exploreEvery` solves, in turn.
        if let untried = others.first(where: { state.statistics[$0] == nil }), state.statistics[best] != nil {
            state.lastExplored = untried
            return untried
        }
        guard Self.explores(at: state.chosen), !others.isEmpty else { return best }
        let next = others.first { $0 != state.lastExplored } ?? others[0]
        state.lastExplored = next
        return next
    }

    /// Whether the solve chosen after `chosen` others explores: often at first (the 4th, 8th,
    /// 16th, 32nd), when one slow early sample can leave a strategy looking worse than it is,
    /// then every `exploreEvery`th.
    static func explores(at chosen: Int) -> Bool {
        chosen > 0 && (chosen % exploreEvery == 0 || chosen < exploreEvery && chosen >= 4 && chosen & (chosen - 1) == 0)
    }

    /// The fastest strategy measured for this kind; the textbook one before any is.
    public func choice(for kind: ChangeKind) -> Algorithm {
        if let fixed { return fixed }
        let measured = (kinds[kind]?.statistics ?? [:]).min { $0.value.medianMicros < $1.value.medianMicros }
        return measured?.key ?? kind.textbook
    }

    /// The strategies a race of this kind starts, the chosen one first; for a very large
    /// change, CLP's barrier next (it starts from scratch, so only a big change can favour it).
    public func raceOrder(for kind: ChangeKind, isLarge: Bool = false) -> [Algorithm] {
        let best = choice(for: kind), state = kinds[kind] ?? KindState()
        let others = Self.strategies.filter { $0 != best && isWorthTrying($0, against: best, in: state) }
        return [best] + (isLarge ? [.barrier] : []) + others
    }

    /// A change to this share of a model's rows and columns or more counts as very large.
    public static let largeShare = 0.1

    /// A warm solve of this kind ran `algorithm` to its end in `micros`.
    public mutating func record(_ algorithm: Algorithm, micros: Int, for kind: ChangeKind) {
        guard fixed == nil, Self.strategies.contains(algorithm) else { return }
        var statistics = kinds[kind, default: KindState()].statistics[algorithm] ?? Statistics()
        statistics.recent = Array((statistics.recent + [micros]).suffix(Statistics.kept))
        statistics.solves += 1
        kinds[kind, default: KindState()].statistics[algorithm] = statistics
    }

    /// The model's first solve (cold, from nothing) took `micros`.
    public mutating func recordFirstSolve(micros: Int) {
        if firstSolveMicros == nil { firstSolveMicros = Double(micros) }
    }

    private func isWorthTrying(_ algorithm: Algorithm, against best: Algorithm, in state: KindState) -> Bool {
        guard algorithm == .cold else { return true }
        guard let cold = state.statistics[.cold]?.medianMicros ?? firstSolveMicros else { return false }
        guard let bestMicros = state.statistics[best]?.medianMicros else { return false }
        return cold <= Self.coldLimit * bestMicros
    }
}
