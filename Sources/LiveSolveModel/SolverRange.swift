/// The numbers the solver can take. CLP as Debian builds it keeps its assertions, and a few
/// finite numbers a model may hold abort it, worker and all: an objective coefficient of 1e25
/// or more (`ClpSimplex::createRim`), and a lower bound near +∞ or an upper bound near −∞ (from
/// about 1e100, `ClpNonLinearCost::checkInfeasibilities`). A constraint coefficient beyond 1e20
/// it refuses itself, with an opaque status ("bad element check"). So such numbers are refused
/// where they enter, in a model (`invalid_model`) or an update (`invalid_value`), naming them,
/// and no solve sees them.
public enum SolverRange {
    /// The largest coefficient magnitude accepted, in the objective and the constraints: CLP's
    /// own bad-element limit for the matrix, and far below its assertion (1e25, after scaling)
    /// for the objective.
    public static let coefficientLimit = 1e20
    /// Bounds this far out are infinite to CLP (it reads an upper bound above 1e27 as +∞), so a
    /// lower bound at or above it, or an upper bound at or below its negative, bounds nothing
    /// finite; give `null` for an infinite bound instead.
    public static let infiniteBound = 1e30

    /// Why the solver cannot take `value` as an objective coefficient, or nil.
    public static func problem(objective value: Double) -> String? {
        abs(value) <= coefficientLimit ? nil : beyond("objective coefficient", value)
    }

    /// Why the solver cannot take `value` as a constraint coefficient, or nil.
    private static func problem(coefficient value: Double) -> String? {
        abs(value) <= coefficientLimit ? nil : beyond("coefficient", value)
    }

    private static func beyond(_ what: String, _ value: Double) -> String {
        "\(what) \(JSONWriter.number(value)) is beyond the solver's range (magnitude up to \(JSONWriter.number(coefficientLimit)))"
    }

    /// Why the solver cannot take `value` as a lower bound, or nil.
    private static func problem(lower value: Double) -> String? {
        value < infiniteBound ? nil
            : "lower bound \(JSONWriter.number(value)) is beyond the solver's range (below \(JSONWriter.number(infiniteBound)))"
    }

    /// Why the solver cannot take `value` as an upper bound, or nil.
    private static func problem(upper value: Double) -> String? {
        value > -infiniteBound ? nil
            : "upper bound \(JSONWriter.number(value)) is beyond the solver's range (above \(JSONWriter.number(-infiniteBound)))"
    }

    /// Why the solver cannot take `value` at `site`, or nil (the objective constant is not the solver's).
    public static func problem(_ value: Double, at site: BindingSite) -> String? {
        switch site {
        case .objective: problem(objective: value)
        case .coefficient: problem(coefficient: value)
        case .rowLower, .columnLower: problem(lower: value)
        case .rowUpper, .columnUpper: problem(upper: value)
        case .objectiveConstant: nil
        }
    }
}
