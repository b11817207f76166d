/// Which method ran: a simplex for a linear program, branch and cut for an integer one.
public enum Algorithm: String, Sendable, Equatable {
    /// Presolve and solve from scratch.
    case cold
    case primal
    case dual
    /// CLP's barrier (interior point) with crossover to a basis: from scratch, for big changes.
    case barrier
    case branchAndCut = "branch_and_cut"
    /// No solve: the server moved the objective along the costs' stability bands.
    case ranging
}
