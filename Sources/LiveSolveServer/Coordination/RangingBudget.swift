/// What a linear model's last solve leaves for answering cost changes without a solve
/// (PROTOCOL.md: a solution with `stats.algorithm` `"ranging"`): the costs it saw, their stability
/// bands and its values, and how much of the 100 % rule's budget the changes since have used.
///
/// While the net change of each cost since that solve, as a share of its band's room in that
/// direction, sums to at most 1 over the changed costs, the solve's basis stays optimal: its
/// values stand, and the objective moves by each change times its column's value.
struct RangingBudget {
    /// The objective coefficients the solve saw, in the model's sense.
    let costs: [Double]
    let costDown: [Double]
    let costUp: [Double]
    let values: [Double]
    /// Per changed column, its share of the budget.
    private(set) var shares: [Int: Double] = [:]
    private(set) var used = 0.0
    /// Kept below 1 by a margin: the bands are CLP's, within its tolerances.
    static let limit = 1 - 1e-7

    init(costs: [Double], costDown: [Double], costUp: [Double], values: [Double]) {
        (self.costs, self.costDown, self.costUp, self.values) = (costs, costDown, costUp, values)
    }

    /// The objective's change if every cost in `changes` (column → new coefficient, from
    /// `current`) keeps the budget, which then counts them; nil, changing nothing, otherwise.
    mutating func admit(_ changes: [Int32: Double], current: [Double]) -> Double? {
        var total = used, added: [(Int, Double)] = []
        var objectiveChange = 0.0
        for (c, new) in changes {
            let j = Int(c)
            guard j < costs.count, new.isFinite else { return nil }
            let move = new - costs[j]
            let room = move > 0 ? costUp[j] - costs[j] : costs[j] - costDown[j]
            let share = move == 0 ? 0 : room.isInfinite ? 0 : room > 0 ? abs(move) / room : .infinity
            total += share - (shares[j] ?? 0)
            added.append((j, share))
            objectiveChange += (new - current[j]) * values[j]
        }
        guard total <= Self.limit else { return nil }
        used = total
        for (j, share) in added { shares[j] = share }
        return objectiveChange
    }
}
