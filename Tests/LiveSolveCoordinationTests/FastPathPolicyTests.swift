import LiveSolveCoordination
import Testing

/// `FastPathPolicy` without I/O: on while the answers it gives pay for the ranging passes.
@Suite struct FastPathPolicyTests {
    @Test func aModelWhoseTicksMostlyStayInBandKeepsThePath() {
        var policy = FastPathPolicy()
        for _ in 0..<200 {
            // Four of five answered; solves of 25 µs, ranging passes of 150 µs (adlittle's).
            for k in 0..<5 { policy.update(answered: k != 0) }
            policy.solved(solveMicros: 25, rangingMicros: 150)
        }
        #expect(policy.isOn)
        #expect(abs(policy.answeredShare - 0.8) < 0.1)
    }

    @Test func aModelWhoseRangingCostsMoreThanItSavesPausesThenTriesAgain() {
        var policy = FastPathPolicy()
        // Half answered; solves of 400 µs, ranging passes of 1 000 µs (ship12l's).
        var solves = 0
        while policy.isOn, solves < 100 {
            policy.update(answered: solves % 2 == 0)
            policy.solved(solveMicros: 400, rangingMicros: 1000)
            solves += 1
        }
        #expect(!policy.isOn)
        // While paused, updates do not move the share; after the pause it is tried again.
        let share = policy.answeredShare
        policy.update(answered: true)
        #expect(policy.answeredShare == share)
        for _ in 0..<FastPathPolicy.pause { policy.solved(solveMicros: 400, rangingMicros: nil) }
        #expect(policy.isOn)
        #expect(policy.answeredShare == 0.5)
    }

    @Test func withoutARangingTimeYetThePathStaysOn() {
        var policy = FastPathPolicy()
        for _ in 0..<20 { policy.update(answered: false) }
        policy.solved(solveMicros: 400, rangingMicros: nil)
        #expect(policy.isOn)
    }
}
