/// Whether a linear model's solves compute the costs' bands for the ranging fast path: only
/// while that pays. Each update the path answers saves a solve and its hop; each update it
/// cannot answer costs a solve with a ranging pass after it (CLP refactorizes for it). So the
/// path stays on while share × (solve + hop) ≥ (1 − share) × ranging, from running averages;
/// off, it tries again after `pause` solves, its share back at the prior.
public struct FastPathPolicy: Sendable, Equatable {
    /// The share of updates answered, the solve's and the ranging pass's times (µs): running averages.
    public private(set) var answeredShare = 0.5
    public private(set) var solveMicros: Double?
    public private(set) var rangingMicros: Double?
    /// Solves left before the path is tried again; 0 while it is on.
    public private(set) var pausedSolves = 0

    /// What a worker hop adds to a solve, on top of its time (µs): saved too by an answer.
    public static let hopMicros = 100.0
    public static let pause = 50
    static let weight = 0.1

    public init() {}

    public var isOn: Bool { pausedSolves == 0 }

    /// An update was accepted while the path was on: answered by it, or sent to a solve.
    public mutating func update(answered: Bool) {
        guard isOn else { return }
        answeredShare += Self.weight * ((answered ? 1 : 0) - answeredShare)
    }

    /// A solve ended; `rangingMicros` is its ranging pass's time when it had one.
    public mutating func solved(solveMicros micros: Int, rangingMicros ranging: Int?) {
        solveMicros = Self.average(solveMicros, Double(micros))
        if let ranging { rangingMicros = Self.average(rangingMicros, Double(ranging)) }
        if !isOn {
            pausedSolves -= 1
            if pausedSolves == 0 { answeredShare = 0.5 }
            return
        }
        guard let solve = solveMicros, let rangingCost = rangingMicros else { return }
        if answeredShare * (solve + Self.hopMicros) < (1 - answeredShare) * rangingCost { pausedSolves = Self.pause }
    }

    private static func average(_ old: Double?, _ new: Double) -> Double {
        old.map { $0 + weight * (new - $0) } ?? new
    }
}
