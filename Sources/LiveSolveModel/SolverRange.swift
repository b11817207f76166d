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
    public static func problem(coefficient value: Double) -> String? {
        abs(value) <= coefficientLimit ? nil : beyond("coefficient", value)
    }

    private static func beyond(_ what: String, _ value: Double) -> String {
        "\(what) \(JSONWriter.number(value)) is beyond the solver's range (magnitude up to \(JSONWriter.number(coefficientLimit)))"
    }

    /// Why the solver cannot take `value` as a lower bound, or nil.
    public static func problem(lower value: Double) -> String? {
        value < infiniteBound ? nil
            : "lower bound \(JSONWriter.number(value)) is beyond the solver's range (below \(JSONWriter.number(infiniteBound)))"
    }

    /// Why the solver cannot take `value` as an upper bound, or nil.
    public static func problem(upper value: Double) -> String? {
        value > -infiniteBound ? nil
            : "upper bound \(JSONWriter.number(value)) is beyond the solver's range (above \(JSONWriter.number(-infiniteBound)))"
    }

    /// The first number in a model the solver cannot take: where (`variable "x"`, `row "c1"`,
    /// `variable "x" in row "c1"`) and why.
    static func firstProblem(columns: NameIndex, rows: NameIndex, objective: [Double],
                             columnLower: [Double], columnUpper: [Double],
                             rowLower: [Double], rowUpper: [Double],
                             entries: [[(row: Int32, value: Double)]]) -> (at: String, reason: String)? {
        for j in objective.indices {
            if let reason = problem(objective: objective[j]) ?? problem(lower: columnLower[j]) ?? problem(upper: columnUpper[j]) {
                return ("variable \(JSONWriter.quoted(columns[j]))", reason)
            }
            for entry in entries[j] {
                if let reason = problem(coefficient: entry.value) {
                    return ("variable \(JSONWriter.quoted(columns[j])) in row \(JSONWriter.quoted(rows[Int(entry.row)]))", reason)
                }
            }
        }
        for i in rowLower.indices {
            if let reason = problem(lower: rowLower[i]) ?? problem(upper: rowUpper[i]) {
                return ("row \(JSONWriter.quoted(rows[i]))", reason)
            }
        }
        return nil
    }
}
