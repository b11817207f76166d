/// Which simplex ran.
public enum Algorithm: String, Sendable, Equatable {
    /// Presolve and solve from scratch.
    case cold
    case primal
    case dual
}
