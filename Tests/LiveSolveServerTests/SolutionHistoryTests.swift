import LiveSolveCoordination
import LiveSolveModel
import LiveSolveWorkerIPC
import Testing
import TestSupport

@testable import LiveSolveServer

/// `SolutionHistory.install` applies a worker's sparse changes in place when it can. Against
/// the plain way (apply every answer to a copy of the worker's vectors, then compare whole
/// vectors with the newest ones that had maps), over random walks in which values often return
/// to earlier ones and answers without maps (infeasible ones) come between those with them.
/// The same answers are also installed as the server reads them, from their frames
/// (`AnswerFrame`), into a second history that must stay equal to the first.
struct SolutionHistoryTests {
    /// The plain way: what `install` computed before it worked in place.
    private struct Reference {
        var worker: [[Double]] = [[], [], [], []]
        var vectors: [[Double]] = [[], [], [], []]

        mutating func install(hasMaps: Bool, changes: [VectorChange]) -> [[(index: Int, old: Double)]]? {
            for f in 0..<4 { changes[f].apply(to: &worker[f]) }
            guard hasMaps else { return nil }
            let recorded = (0..<4).map { f -> [(index: Int, old: Double)] in
                guard vectors[f].count == worker[f].count else { return worker[f].indices.map { ($0, .nan) } }
                return worker[f].indices.compactMap { vectors[f][$0].bitPattern != worker[f][$0].bitPattern ? ($0, vectors[f][$0]) : nil }
            }
            vectors = worker
            return recorded
        }
    }

    @Test(arguments: 1...20)
    func inPlaceInstallsRecordWhatWholeComparisonsRecord(seed: UInt64) throws {
        var walk = SeededRandom(seed: seed)
        let sizes = [6, 4, 6, 4]  // values and reduced costs by column, duals and activities by row
        let palette: [Double] = [0, -0.0, 1, 2.5, -3, .infinity]
        var history = SolutionHistory(limit: 8)
        var fromFrames = SolutionHistory(limit: 8)
        var reference = Reference()
        var sent: [[Double]]?  // the worker's last answer: its changes are against this
        var vectorsAt: [Int: [[Double]]] = [:]  // the reference's newest vectors after each step
        for step in 1...300 {
            // The worker answers full after a (re)load, else with what changed since its last answer.
            if walk.next(25) == 0 { sent = nil }
            var vectors = sent ?? sizes.map { [Double](repeating: 0, count: $0) }
            for f in 0..<4 {
                for i in vectors[f].indices where walk.next(3) == 0 { vectors[f][i] = palette[walk.next(palette.count)] }
            }
            let changes = (0..<4).map { f in sent.map { VectorChange.between($0[f], vectors[f]) } ?? .full(vectors[f]) }
            sent = vectors
            let hasMaps = walk.next(10) < 7
            history.install(version(step, hasMaps: hasMaps), changes: changes)
            fromFrames.install(version(step, hasMaps: hasMaps), changes: try answerFrame(changes).changes)
            let expected = reference.install(hasMaps: hasMaps, changes: changes)
            vectorsAt[step] = reference.vectors
            // Any version still held can be rebuilt whole (a wait's answer when newer incumbents came).
            let back = step - walk.next(8)
            // (Before the first version with maps there is nothing to rebuild.)
            for f in 0..<4 where back >= 1 && !vectorsAt[back]![f].isEmpty {
                let field = SolutionField.allCases.first { $0.index == f }!
                #expect(history.full(field, at: back)?.map { $0.1.bitPattern } == vectorsAt[back]![f].map(\.bitPattern), "seed \(seed), step \(step), back to \(back)")
            }
            #expect(history.vectors.map { $0.map(\.bitPattern) } == reference.vectors.map { $0.map(\.bitPattern) }, "seed \(seed), step \(step)")
            if let expected, let newest = history.newest {
                for f in 0..<4 {
                    let got = newest.changes[f].sorted { $0.index < $1.index }.map { "\($0.index):\($0.old.bitPattern)" }
                    #expect(got == expected[f].map { "\($0.index):\($0.old.bitPattern)" }, "seed \(seed), step \(step), field \(f)")
                }
            }
            #expect(fromFrames.vectors.map { $0.map(\.bitPattern) } == history.vectors.map { $0.map(\.bitPattern) }, "seed \(seed), step \(step)")
            #expect(fromFrames.newest?.changes.map { $0.map { "\($0.index):\($0.old.bitPattern)" } }
                == history.newest?.changes.map { $0.map { "\($0.index):\($0.old.bitPattern)" } }, "seed \(seed), step \(step)")
        }
    }

    /// The changes as a worker's solved reply carries them, read back as the server reads it.
    private func answerFrame(_ changes: [VectorChange]) throws -> AnswerFrame {
        let outcome = SolveOutcome(status: .optimal, message: nil, objective: 0, iterations: 0, algorithm: .primal,
                                   isWarmStart: true, solveMicros: 0)
        let answer = SolveAnswer(model: 1, outcome: outcome, values: changes[0], duals: changes[1], reducedCosts: changes[2],
                                 rowActivities: changes[3], basis: Basis(statuses: []))
        guard case .solved(let frame) = try ReceivedReply.decode(Array(WorkerReply.solved(answer).frame().dropFirst(4))) else {
            throw FrameError("not read as a solved reply")
        }
        return frame
    }

    private func version(_ number: Int, hasMaps: Bool) -> SolutionVersion {
        SolutionVersion(number: number, seq: number, status: hasMaps ? .optimal : .infeasible, message: nil, objective: 0,
                        iterations: 0, isWarmStart: true, algorithm: .primal, solveMicros: 0, updatesMerged: 1,
                        freshness: .init(newestUpdate: Moment(nanoseconds: 0), queuedMicros: 0),
                        hasMaps: hasMaps, changes: [])
    }
}
