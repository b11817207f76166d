/// The numbers the solver can take. CLP as Debian builds it keeps its assertions, and a few
/// finite numbers a model may hold abort it, worker and all: an objective coefficient of 1e25
/// or more (`ClpSimplex::createRim`), and a lower bound near +∞ or an upper bound near −∞ (from
/// about 1e100, `ClpNonLinearCost::checkInfeasibilities`). So such a number is refused where it
/// enters, in a model (`invalid_model`) or an update (`invalid_value`), and no solve sees it.
public enum SolverRange {
    /// The largest objective coefficient magnitude accepted: CLP's limit is 1e25 after its own
    /// scaling, and costs this large are numerically meaningless long before it.
    public static let objectiveLimit = 1e20
    /// Bounds this far out are infinite to CLP (it reads an upper bound above 1e27 as +∞), so a
    /// lower bound at or above it, or an upper bound at or below its negative, bounds nothing
    /// finite; give `null` for an infinite bound instead.
    public static let infiniteBound = 1e30

    /// Why the solver cannot take `value` as an objective coefficient, or nil.
    public static func problem(objective value: Double) -> String? {
        abs(value) <= objectiveLimit ? nil
            : "objective coefficient \(JSONWriter.number(value)) is beyond the solver's range (magnitude up to \(JSONWriter.number(objectiveLimit)))"
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

    /// The first number in a model the solver cannot take: where (`variable "x"`, `row "c1"`)
    /// and why.
    static func firstProblem(columns: NameIndex, rows: NameIndex, objective: [Double],
                             columnLower: [Double], columnUpper: [Double],
                             rowLower: [Double], rowUpper: [Double]) -> (at: String, reason: String)? {
        for j in objective.indices {
            if let reason = problem(objective: objective[j]) ?? problem(lower: columnLower[j]) ?? problem(upper: columnUpper[j]) {
                return ("variable \(JSONWriter.quoted(columns[j]))", reason)
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
