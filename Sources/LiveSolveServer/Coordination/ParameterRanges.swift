import LiveSolveModel
import LiveSolveWorkerIPC

/// PROTOCOL.md's `parameterRanges`: per parameter, the interval of its value, every other
/// input fixed, over which the solution's basis stays optimal and feasible, derived from the
/// bands of the sites it drives.
///
/// A parameter moving by δ moves each of its sites by scale × δ. Each site allows some room in
/// each direction: an objective coefficient up to its `costRanges` edge, an active row bound up
/// to its `rhsRanges` edge, an inactive bound (row or column) up to the activity or value it
/// bounds. By the 100 % rule the basis stays optimal while the sum over sites of |change| / room
/// is at most 1, for the cost sites and for the bound sites apart (the sets of costs, and of
/// bounds, that keep a basis optimal are convex): exact for a parameter with one site,
/// conservative for one with many. A parameter that drives a matrix coefficient, or the bound a
/// nonbasic column sits at, has no range here (NaN): no ranging covers those.
enum ParameterRanges {
    /// `values` are the parameters' values the solve saw; `lanes` the solution's vectors by
    /// `SolutionLane`, bands included. Nil when the lanes hold no bands.
    static func compute(_ parameters: Parameters, values: [Double], lanes: [[Double]]) -> (down: [Double], up: [Double])? {
        func lane(_ l: SolutionLane) -> [Double] { lanes[l.rawValue] }
        let (costDown, costUp, rhsDown, rhsUp) = (lane(.costDown), lane(.costUp), lane(.rhsDown), lane(.rhsUp))
        let (columnValues, activities) = (lane(.values), lane(.rowActivities))
        guard !costDown.isEmpty, rhsDown.count == activities.count, values.count == parameters.count else { return nil }
        var down = [Double](repeating: .nan, count: parameters.count), up = down
        for p in 0..<parameters.count {
            // Per unit of δ up and down, the share of each kind's room used.
            var cost = (up: 0.0, down: 0.0), bound = (up: 0.0, down: 0.0)
            var covered = true
            var equalityRows = Set<Int>()
            func use(_ share: inout (up: Double, down: Double), scale: Double, roomUp: Double, roomDown: Double) {
                // (A room a rounding below 0 is none.)
                let (forUp, forDown) = scale > 0 ? (max(0, roomUp), max(0, roomDown)) : (max(0, roomDown), max(0, roomUp))
                share.up += abs(scale) / forUp
                share.down += abs(scale) / forDown
            }
            for site in parameters.sites[p] {
                guard let binding = parameters.bindings[site], binding.parameter == p else { continue }
                let (scale, at) = (binding.scale, binding.scale * values[p])
                switch site {
                case .objectiveConstant:
                    continue
                case .objective(let col):
                    use(&cost, scale: scale, roomUp: costUp[col] - at, roomDown: at - costDown[col])
                case .rowLower(let row), .rowUpper(let row):
                    let isLower = if case .rowLower = site { true } else { false }
                    let other: BindingSite = isLower ? .rowUpper(row) : .rowLower(row)
                    let isEquality = parameters.bindings[other] == binding
                    // An equality's two bounds move as one right-hand side.
                    if isEquality, !equalityRows.insert(row).inserted { continue }
                    let activity = activities[row]
                    if !rhsDown[row].isNaN, isEquality || abs(activity - at) <= 1e-9 * max(1, abs(at)) {
                        use(&bound, scale: scale, roomUp: rhsUp[row] - at, roomDown: at - rhsDown[row])
                    } else if isLower {
                        use(&bound, scale: scale, roomUp: activity - at, roomDown: .infinity)
                    } else {
                        use(&bound, scale: scale, roomUp: .infinity, roomDown: at - activity)
                    }
                case .columnLower(let col), .columnUpper(let col):
                    let value = columnValues[col]
                    guard abs(value - at) > 1e-9 * max(1, abs(at)) else { covered = false; continue }
                    if case .columnLower = site {
                        use(&bound, scale: scale, roomUp: value - at, roomDown: .infinity)
                    } else {
                        use(&bound, scale: scale, roomUp: .infinity, roomDown: at - value)
                    }
                case .coefficient:
                    covered = false
                }
            }
            guard covered else { continue }
            // A share of 0 is no limit; a NaN one (no room, no change) none either.
            let stepUp = 1 / max(cost.up.isNaN ? 0 : cost.up, bound.up.isNaN ? 0 : bound.up)
            let stepDown = 1 / max(cost.down.isNaN ? 0 : cost.down, bound.down.isNaN ? 0 : bound.down)
            (down[p], up[p]) = (values[p] - stepDown, values[p] + stepUp)
        }
        return (down, up)
    }
}
