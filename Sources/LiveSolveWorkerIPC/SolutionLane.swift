/// The vectors of a solution: those a solved reply carries, in its order, then those the server
/// derives from them. The server's solution fields are made of them (`costRanges` of the two
/// cost lanes, and so on).
public enum SolutionLane: Int, CaseIterable, Sendable {
    case values, duals, reducedCosts, rowActivities
    /// The stability bands (`StabilityBands`): empty vectors when not asked for or not optimal.
    case costDown, costUp, rhsDown, rhsUp
    /// Per parameter, derived by the server from the bands.
    case parameterDown, parameterUp

    public static let count = allCases.count
    /// How many a solved reply carries.
    public static let sent = SolutionLane.parameterDown.rawValue
}

extension Change where Values == [Double], Indices == [Int32] {
    /// Nothing changed.
    public static var none: VectorChange { .sparse(indices: [], values: []) }
}
