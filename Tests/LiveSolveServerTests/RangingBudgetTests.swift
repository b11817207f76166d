import Testing

@testable import LiveSolveServer

/// The 100 % rule as `RangingBudget` keeps it, without I/O.
@Suite struct RangingBudgetTests {
    static func budget() -> RangingBudget {
        // Column 0: cost 10 in [8, 12]; column 1: cost 5 in [−∞, 6]; column 2: cost 1 in [1, 1].
        RangingBudget(costs: [10, 5, 1], costDown: [8, -.infinity, 1], costUp: [12, 6, 1], values: [2, 3, 0])
    }

    @Test func changesInsideTheBudgetMoveTheObjectiveByChangeTimesValue() {
        var budget = Self.budget()
        // Half of column 0's room up: 1 × value 2.
        #expect(budget.admit([0: 11], current: budget.costs) == 2)
        #expect(abs(budget.used - 0.5) < 1e-12)
        // Column 1 down is unbounded: no share; its change counts against the current cost.
        let change = budget.admit([1: -100], current: [11, 5, 1])
        #expect(change == -315.0, "\(String(describing: change))")
        #expect(abs(budget.used - 0.5) < 1e-12)
    }

    @Test func theNetChangeSinceTheSolveCountsNotEachTick() {
        var budget = Self.budget()
        #expect(budget.admit([0: 11.8], current: budget.costs) != nil)  // 0.9 of the room
        // Back down to 10.2: its share is now 0.1, not 0.9 + 0.8.
        #expect(budget.admit([0: 10.2], current: [11.8, 5, 1]) != nil)
        #expect(abs(budget.used - 0.1) < 1e-12)
    }

    @Test func aRunOfTicksPastTheBudgetIsRefusedAndChangesNothing() {
        var budget = Self.budget()
        #expect(budget.admit([0: 11.2], current: budget.costs) != nil)  // 0.6
        // 0.6 + column 1 up by 0.5 of its room: 1.1 > 1.
        #expect(budget.admit([1: 5.5], current: [11.2, 5, 1]) == nil)
        #expect(abs(budget.used - 0.6) < 1e-12)
        // A column with no room (a band of width 0) takes no change at all.
        #expect(budget.admit([2: 1.01], current: [11.2, 5, 1]) == nil)
        #expect(budget.admit([2: 1], current: [11.2, 5, 1]) == 0)
    }
}
