import LiveSolveCoordination
import LiveSolveModel
import Testing

/// The adaptive choice of simplex as a value: fed made-up solve times, no solver.
struct StrategyPolicyTests {
    /// Runs `solves` choices of `kind`, each taking the time `cost` gives its strategy; returns
    /// how often each ran.
    private func run(_ policy: inout StrategyPolicy, _ kind: StrategyPolicy.ChangeKind, solves: Int,
                     cost: (Algorithm) -> Int) -> [Algorithm: Int] {
        var ran: [Algorithm: Int] = [:]
        for _ in 0..<solves {
            let algorithm = policy.choose(for: kind)
            ran[algorithm, default: 0] += 1
            policy.record(algorithm, micros: cost(algorithm), for: kind)
        }
        return ran
    }

    @Test func itStartsFromTheTextbookChoice() {
        let policy = StrategyPolicy()
        #expect(policy.choice(for: .objective) == .primal)
        #expect(policy.choice(for: .bounds) == .dual)
        #expect(policy.choice(for: .rows) == .dual)
        #expect(policy.choice(for: .matrix) == .primal)
    }

    @Test func itConvergesOnTheFasterStrategyAndMostlyRunsIt() {
        var policy = StrategyPolicy()
        policy.recordFirstSolve(micros: 100_000)
        // Dual beats primal on cost changes here, against the textbook.
        let ran = run(&policy, .objective, solves: 200) { $0 == .dual ? 1_000 : 5_000 }
        #expect(policy.choice(for: .objective) == .dual)
        // Its first solve, four early explorations (the 4th to the 32nd), then one per 50.
        #expect(ran[.primal, default: 0] <= 1 + 4 + 200 / StrategyPolicy.exploreEvery)
        #expect(ran[.dual, default: 0] >= 190)
        // Cold (100 ms at the first solve) is far slower than the best: never tried.
        #expect(ran[.cold] == nil)
        #expect(policy.raceOrder(for: .objective) == [.dual, .primal])
        // A very large change races CLP's barrier too, right after the choice.
        #expect(policy.raceOrder(for: .objective, isLarge: true) == [.dual, .barrier, .primal])
    }

    @Test func aDriftingModelIsFollowed() {
        var policy = StrategyPolicy()
        _ = run(&policy, .bounds, solves: 60) { $0 == .dual ? 1_000 : 3_000 }
        #expect(policy.choice(for: .bounds) == .dual)
        // Now primal is the faster: the explorations find it, and the means move over.
        _ = run(&policy, .bounds, solves: 3 * StrategyPolicy.exploreEvery) { $0 == .dual ? 4_000 : 500 }
        #expect(policy.choice(for: .bounds) == .primal)
    }

    @Test func coldIsTriedWhileItIsNotFarSlower() {
        var policy = StrategyPolicy()
        policy.recordFirstSolve(micros: 1_500)
        let ran = run(&policy, .matrix, solves: 10) { $0 == .cold ? 400 : 1_000 }
        #expect(ran[.cold, default: 0] >= 5)
        #expect(policy.choice(for: .matrix) == .cold)
    }

    @Test func aFixedStrategyAlwaysRunsAndLearnsNothing() {
        var policy = StrategyPolicy(fixed: .primal)
        let ran = run(&policy, .rows, solves: 100) { $0 == .dual ? 1 : 1_000 }
        #expect(ran == [.primal: 100])
        #expect(policy.kinds.isEmpty)
    }

    @Test func aDeltaCountsAsTheWidestKindItTouches() {
        var delta = ModelDelta()
        #expect(StrategyPolicy.ChangeKind(delta) == nil)
        delta.objective[0] = 1
        #expect(StrategyPolicy.ChangeKind(delta) == .objective)
        delta.columnUpper[1] = 2
        #expect(StrategyPolicy.ChangeKind(delta) == .bounds)
        delta.rowLower[0] = 0
        #expect(StrategyPolicy.ChangeKind(delta) == .rows)
        delta.coefficients[MatrixEntry(row: 0, col: 0)] = 3
        #expect(StrategyPolicy.ChangeKind(delta) == .matrix)
    }
}
