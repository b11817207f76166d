/// The vectors a solved reply carries, in its order; the server's solution fields are made of
/// them (`costRanges` of the two cost lanes, `rhsRanges` of the two rhs lanes).
public enum SolutionLane: Int, CaseIterable, Sendable {
    case values, duals, reducedCosts, rowActivities
    /// The stability bands (`StabilityBands`): empty vectors when not asked for or not optimal.
    case costDown, costUp, rhsDown, rhsUp

    public static let count = allCases.count
}

extension Change where Values == [Double], Indices == [Int32] {
    /// Nothing changed.
    public static var none: VectorChange { .sparse(indices: [], values: []) }
}
