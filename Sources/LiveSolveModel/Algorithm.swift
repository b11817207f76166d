/// Which method ran: a simplex for a linear program, branch and cut for an integer one.
public enum Algorithm: String, Sendable, Equatable {
    /// Presolve and solve from scratch.
    case cold
    case primal
    case dual
    case branchAndCut = "branch_and_cut"
    /// No solve: the server moved the objective along the costs' stability bands.
    case ranging
}
