/// The outcome of one solve, in the model's own sense (signs as PROTOCOL.md states): its
/// outcome's fields (`result.status`, `result.objective`…) and its vectors.
@dynamicMemberLookup
public struct SolveResult: Sendable, Equatable {
    public var outcome: SolveOutcome
    public var values: [Double]
    public var duals: [Double]
    public var reducedCosts: [Double]
    public var rowActivities: [Double]

    public init(outcome: SolveOutcome, values: [Double], duals: [Double], reducedCosts: [Double], rowActivities: [Double]) {
        self.outcome = outcome
        self.values = values
        self.duals = duals
        self.reducedCosts = reducedCosts
        self.rowActivities = rowActivities
    }

    public subscript<T>(dynamicMember field: KeyPath<SolveOutcome, T>) -> T { outcome[keyPath: field] }
}
