/// Which stability bands a solve computes besides its solution.
public enum BandsWanted: UInt8, Sendable, Equatable, Comparable {
    case none
    /// The costs' only (`costRanges`): what the ranging fast path needs, one ranging pass.
    case costs
    /// The costs' and the rows' (`rhsRanges`, and from both `parameterRanges`).
    case all

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}
