/// A solution map a client can ask for.
public enum SolutionField: String, Sendable, CaseIterable, Hashable {
    case values, duals, reducedCosts, rowActivities

    /// Whether the field is indexed by columns (else by rows).
    var isByColumn: Bool { self == .values || self == .reducedCosts }
    /// Whether an integer model has it: the incumbent's values and row activities (no duals).
    var isPrimal: Bool { self == .values || self == .rowActivities }
    var index: Int {
        switch self {
        case .values: 0
        case .duals: 1
        case .reducedCosts: 2
        case .rowActivities: 3
        }
    }
}
