import LiveSolveWorkerIPC

/// A solution map a client can ask for.
public enum SolutionField: String, Sendable, CaseIterable, Hashable {
    case values, duals, reducedCosts, rowActivities
    /// Stability bands (PROTOCOL.md), `[down, up]` per entry; computed only while asked for.
    case costRanges, rhsRanges, parameterRanges

    /// Whether the field is indexed by columns (else by rows).
    var isByColumn: Bool { self == .values || self == .reducedCosts || self == .costRanges }
    /// Whether an integer model has it: the incumbent's values and row activities (no duals).
    var isPrimal: Bool { self == .values || self == .rowActivities }
    /// Whether the worker computes it only when asked: the stability bands.
    var isBand: Bool { self == .costRanges || self == .rhsRanges || self == .parameterRanges }
    /// Its bit in a `FieldSet`.
    var index: Int {
        switch self {
        case .values: 0
        case .duals: 1
        case .reducedCosts: 2
        case .rowActivities: 3
        case .costRanges: 4
        case .rhsRanges: 5
        case .parameterRanges: 6
        }
    }
    /// The solved reply's vectors it is made of: one, or a band's down and up.
    var lanes: [SolutionLane] {
        switch self {
        case .values: [.values]
        case .duals: [.duals]
        case .reducedCosts: [.reducedCosts]
        case .rowActivities: [.rowActivities]
        case .costRanges: [.costDown, .costUp]
        case .rhsRanges: [.rhsDown, .rhsUp]
        case .parameterRanges: [.parameterDown, .parameterUp]
        }
    }
}

/// A field's entries in a message: one number per index, or a band's two sides.
enum FieldEntries {
    case scalars([(index: Int, value: Double)])
    case bands([(index: Int, down: Double, up: Double)])

    var count: Int {
        switch self {
        case .scalars(let entries): entries.count
        case .bands(let entries): entries.count
        }
    }
}
