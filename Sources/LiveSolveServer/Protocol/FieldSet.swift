import LiveSolveModel

/// A set of solution fields, kept in protocol order.
///
/// Stored as a bit mask: fan-out compares a subscriber's fields with the shared frame's for every
/// delivery, and a mask compares (and copies) without touching an array.
public struct FieldSet: Hashable, Sendable {
    private let mask: UInt8
    public init(_ fields: some Sequence<SolutionField>) {
        mask = fields.reduce(0) { $0 | 1 << $1.index }
    }
    /// The fields, in protocol order.
    public var fields: [SolutionField] { SolutionField.allCases.filter { mask & 1 << $0.index != 0 } }
    /// Whether it asks for stability bands, which the worker computes only then.
    var hasBands: Bool { SolutionField.allCases.contains { $0.isBand && mask & 1 << $0.index != 0 } }
    /// Whether it asks for what changes with a basic variable's cost, which a solution
    /// answered by ranging does not know: duals, reduced costs, the cost and parameter bands.
    var needsSolvedCosts: Bool {
        [SolutionField.duals, .reducedCosts, .costRanges, .parameterRanges].contains { mask & 1 << $0.index != 0 }
    }
    public static let values = FieldSet([.values])
    public static let all = FieldSet(SolutionField.allCases)
    /// Every field but the stability bands.
    public static let maps = FieldSet(SolutionField.allCases.filter { !$0.isBand })
}
