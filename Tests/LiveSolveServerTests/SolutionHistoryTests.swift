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
    private static let lanes = SolutionLane.sent
    private var lanes: Int { Self.lanes }

    /// A field's entries as bit patterns: each scalar, or each band's two sides in turn.
    private func bits(_ entries: FieldEntries) -> [UInt64] {
        switch entries {
        case .scalars(let entries): entries.map(\.value.bitPattern)
        case .bands(let entries): entries.flatMap { [$0.down.bitPattern, $0.up.bitPattern] }
        }
    }

    /// The plain way: what `install` computed before it worked in place.
    private struct Reference {
        var worker: [[Double]] = Array(repeating: [], count: SolutionLane.sent)
        var vectors: [[Double]] = Array(repeating: [], count: SolutionLane.sent)
        private var lanes: Int { SolutionLane.sent }

        mutating func install(hasMaps: Bool, changes: [VectorChange]) -> [[(index: Int, old: Double)]]? {
            for f in 0..<lanes { changes[f].apply(to: &worker[f]) }
            guard hasMaps else { return nil }
            let recorded = (0..<lanes).map { f -> [(index: Int, old: Double)] in
                guard vectors[f].count == worker[f].count else {
                    return (0..<max(vectors[f].count, worker[f].count)).map { ($0, $0 < vectors[f].count ? vectors[f][$0] : .nan) }
                }
                return worker[f].indices.compactMap { vectors[f][$0].bitPattern != worker[f][$0].bitPattern ? ($0, vectors[f][$0]) : nil }
            }
            vectors = worker
            return recorded
        }
    }

    @Test(arguments: 1...20)
    func inPlaceInstallsRecordWhatWholeComparisonsRecord(seed: UInt64) throws {
        var walk = SeededRandom(seed: seed)
        // Values, duals, reduced costs, activities, then the bands' lanes, which come and go.
        let sizes = [6, 4, 6, 4, 6, 6, 4, 4]
        let palette: [Double] = [0, -0.0, 1, 2.5, -3, .infinity, .nan]
        var bandsOn = true
        var history = SolutionHistory(limit: 8)
        var fromFrames = SolutionHistory(limit: 8)
        var reference = Reference()
        var sent: [[Double]]?  // the worker's last answer: its changes are against this
        var vectorsAt: [Int: [[Double]]] = [:]  // the reference's newest vectors after each step
        for step in 1...300 {
            // The worker answers full after a (re)load, else with what changed since its last answer.
            if walk.next(25) == 0 { sent = nil }
            var vectors = sent ?? sizes.map { [Double](repeating: 0, count: $0) }
            if walk.next(6) == 0 { bandsOn.toggle() }
            for f in 4..<lanes where (vectors[f].isEmpty) == bandsOn {
                vectors[f] = bandsOn ? [Double](repeating: 1, count: sizes[f]) : []
            }
            for f in 0..<lanes {
                for i in vectors[f].indices where walk.next(3) == 0 { vectors[f][i] = palette[walk.next(palette.count)] }
            }
            let changes = (0..<lanes).map { f in sent.map { VectorChange.between($0[f], vectors[f]) } ?? .full(vectors[f]) }
            sent = vectors
            let hasMaps = walk.next(10) < 7
            history.install(version(step, hasMaps: hasMaps), changes: changes)
            fromFrames.install(version(step, hasMaps: hasMaps), changes: try answerFrame(changes).changes)
            let expected = reference.install(hasMaps: hasMaps, changes: changes)
            vectorsAt[step] = reference.vectors
            // Any version still held can be rebuilt whole (a wait's answer when newer incumbents came).
            let back = step - walk.next(8)
            // (Before the first version with maps there is nothing to rebuild.)
            for field in SolutionField.allCases where field.lanes[0].rawValue < lanes && back >= 1 && !vectorsAt[back]![field.lanes[0].rawValue].isEmpty {
                let then = vectorsAt[back]!
                let expected: [UInt64] = field.lanes.count == 1
                    ? then[field.lanes[0].rawValue].map(\.bitPattern)
                    : then[field.lanes[0].rawValue].indices.filter { !then[field.lanes[0].rawValue][$0].isNaN }.flatMap { i in
                        field.lanes.map { then[$0.rawValue][i].bitPattern } }
                #expect(history.full(field, at: back).map(bits) == expected, "seed \(seed), step \(step), back to \(back), \(field)")
            }
            #expect(history.vectors.prefix(lanes).map { $0.map(\.bitPattern) } == reference.vectors.map { $0.map(\.bitPattern) }, "seed \(seed), step \(step)")
            if let expected, let newest = history.newest {
                for f in 0..<lanes {
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
                                 rowActivities: changes[3], bands: Array(changes[4...]), basis: Basis(statuses: []))
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
