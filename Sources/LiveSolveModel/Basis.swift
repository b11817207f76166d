/// The solver's basis: one status byte per column, then one per row. Opaque outside the solver;
/// it travels between processes so a model can continue warm elsewhere.
public struct Basis: Sendable, Equatable {
    public var statuses: [UInt8]
    public init(statuses: [UInt8]) { self.statuses = statuses }
}
