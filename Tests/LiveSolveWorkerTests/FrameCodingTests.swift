import LiveSolveModel
import LiveSolveWorkerIPC
import Testing

// The worker frames' binary coding, both directions: every field survives the trip, and a
// damaged frame is an error, never a trap.

/// A frame's payload: the bytes after its length prefix.
private func payload(_ frame: [UInt8]) -> [UInt8] { Array(frame.dropFirst(4)) }

private func everyKindOfDelta() -> ModelDelta {
    var delta = ModelDelta()
    delta.objectiveConstant = -2.5
    delta.objective = [0: 1.5, 7: -0.399, 31: 1e20]
    delta.columnLower = [3: 0]
    delta.columnUpper = [3: 10, 4: .infinity]
    delta.rowLower = [2: -.infinity]
    delta.rowUpper = [2: 44.5, 9: 0]
    delta.coefficients = [MatrixEntry(row: 2, col: 7): 3.25, MatrixEntry(row: 9, col: 0): -1]
    return delta
}

@Test func aSolveRequestWithEveryKindOfChangeDecodesToWhatWasSent() throws {
    let limits = SolveLimits(seconds: 2.5, iterations: 100)
    for delta in [everyKindOfDelta(), ModelDelta()] {
        let request = WorkerRequest.solve(model: 42, delta: delta, full: true, limits: limits)
        #expect(try WorkerRequest.decode(payload(request.frame())) == request)
    }
}

@Test func theOtherRequestsDecodeToWhatWasSent() throws {
    let raced = WorkerRequest.solve(model: 3, delta: ModelDelta(), full: false, limits: SolveLimits(), algorithm: .dual, stoppable: true)
    for request in [WorkerRequest.drop(model: 9), .shutdown, .stop(model: 4), .adopt(model: 2, basis: Basis(statuses: [1, 0, 3])), raced] {
        #expect(try WorkerRequest.decode(payload(request.frame())) == request)
    }
}

@Test func aSolvedReplyDecodesToWhatWasSent() throws {
    let outcome = SolveOutcome(status: .optimal, message: nil, objective: -464.75, iterations: 3, algorithm: .primal,
                               isWarmStart: true, solveMicros: 26)
    let answer = SolveAnswer(
        model: 7, outcome: outcome, values: .sparse(indices: [1, 5], values: [0.5, -0.0]),
        duals: .full([1, 2, 3]), reducedCosts: .sparse(indices: [], values: []),
        rowActivities: .full([]), basis: Basis(statuses: [0, 1, 2, 3]))
    #expect(try WorkerReply.decode(payload(WorkerReply.solved(answer).frame())) == .solved(answer))
    let failed = WorkerReply.error(model: 3, message: "CLP stopped with status 4 (secondary 8: failed the bad element check)")
    #expect(try WorkerReply.decode(payload(failed.frame())) == failed)
    // The server's reading: the solved answer left in the frame, the same entries; others whole.
    guard case .solved(let frame) = try ReceivedReply.decode(payload(WorkerReply.solved(answer).frame())) else {
        Issue.record("a solved reply was not read as one")
        return
    }
    #expect(frame.answer == answer)
    #expect(frame.changes[0].count == 2 && frame.changes[0].index(1) == 5 && frame.changes[0].value(1).bitPattern == (-0.0).bitPattern)
    if case .full = frame.changes[1] {} else { Issue.record("a whole vector was not read as one") }
    #expect(frame.changes[1].count == 3 && frame.changes[1].index(2) == 2 && frame.changes[1].value(2) == 3)
    guard case .other(failed) = try ReceivedReply.decode(payload(failed.frame())) else {
        Issue.record("an error reply was not read whole")
        return
    }
}

@Test func anIncumbentAndItsLimitsDecodeToWhatWasSent() throws {
    let stats = MIPStats(isFinal: false, bound: 41.5, nodes: 1_200, incumbents: 3)
    let outcome = SolveOutcome(status: .feasible, message: nil, objective: 40, iterations: 900, algorithm: .branchAndCut,
                               isWarmStart: true, solveMicros: 52_000, mip: stats)
    let answer = SolveAnswer(
        model: 2, outcome: outcome, values: .sparse(indices: [3], values: [1]), duals: .sparse(indices: [], values: []),
        reducedCosts: .sparse(indices: [], values: []), rowActivities: .full([7, 8]), basis: Basis(statuses: []))
    #expect(try WorkerReply.decode(payload(WorkerReply.solved(answer).frame())) == .solved(answer))
    guard case .solved(let frame) = try ReceivedReply.decode(payload(WorkerReply.solved(answer).frame())) else {
        Issue.record("a solved reply was not read as one")
        return
    }
    #expect(frame.mip == stats && frame.status == .feasible && frame.basis.count == 0)
    let limits = SolveLimits(seconds: 2, mipGap: 0.01, incumbentMillis: 250)
    let request = WorkerRequest.solve(model: 2, delta: ModelDelta(), full: true, limits: limits)
    #expect(try WorkerRequest.decode(payload(request.frame())) == request)
}

@Test func everyTruncationOfASolvedReplyIsAnErrorNotATrap() throws {
    let outcome = SolveOutcome(status: .optimal, message: "m", objective: 1, iterations: 3, algorithm: .dual,
                               isWarmStart: true, solveMicros: 26)
    let answer = SolveAnswer(
        model: 7, outcome: outcome, values: .sparse(indices: [1, 5], values: [0.5, 2]), duals: .full([1, 2, 3]),
        reducedCosts: .full([4]), rowActivities: .sparse(indices: [0], values: [9]), basis: Basis(statuses: [0, 1]))
    let bytes = payload(WorkerReply.solved(answer).frame())
    for length in 0..<bytes.count {
        #expect(throws: FrameError.self) { _ = try ReceivedReply.decode(Array(bytes.prefix(length))) }
    }
}

@Test func everyTruncationOfASolveRequestIsAnErrorNotATrap() {
    let bytes = payload(WorkerRequest.solve(model: 1, delta: everyKindOfDelta(), full: false, limits: SolveLimits()).frame())
    for length in 0..<bytes.count {
        #expect(throws: FrameError.self) { try WorkerRequest.decode(Array(bytes.prefix(length))) }
    }
}

@Test func mismatchedIndexAndValueCountsAreAnError() throws {
    var delta = ModelDelta()
    delta.objective = [0: 1, 1: 2]
    var bytes = payload(WorkerRequest.solve(model: 1, delta: delta, full: false, limits: SolveLimits()).frame())
    // tag, model, full, bands, algorithm, stoppable, seconds, iterations, gap, incumbent
    // millis, has-constant, constant: then the objective's key count.
    let keyCount = 1 + 4 + 1 + 1 + 1 + 1 + 8 + 8 + 8 + 8 + 1 + 8
    #expect(bytes[keyCount] == 2)
    bytes[keyCount] = 1
    // The frame is one index short of its claim elsewhere too; either way it must be refused.
    #expect(throws: FrameError.self) { try WorkerRequest.decode(bytes) }
}

/// The worker writes a solved reply's changes straight from the solver's buffers; those bytes
/// must be the ones `WorkerReply.solved(…).frame()` writes for the changes `VectorChange`
/// computes, whatever the vectors: -0 against 0, NaN, a sign flip, a resize, a full request.
@Test func changesWrittenFromBuffersAreTheFramesOfTheComputedChanges() throws {
    let outcome = SolveOutcome(status: .optimal, message: nil, objective: 1.5, iterations: 2, algorithm: .primal,
                               isWarmStart: true, solveMicros: 9)
    let cases: [(previous: [Double]?, new: [Double], sign: Double, full: Bool)] = [
        (nil, [1, 2, 3], 1, false),
        ([1, 2, 3], [1, 2.5, 3], 1, false),
        ([0, 1, .nan], [-0.0, 1, .nan], 1, false),
        ([1, 2, 3], [1, 2, 3], 1, false),
        ([-1, 2, 3], [1, 2, 3], -1, false),
        ([1, 2, 3], [1, 2, 3], 1, true),
        ([1, 2], [1, 2, 3], 1, false),
    ]
    for (previous, new, sign, full) in cases {
        let signed = new.map { sign * $0 }
        let change = full ? VectorChange.full(signed) : VectorChange.between(previous, signed)
        let expected = WorkerReply.solved(SolveAnswer(
            model: 4, outcome: outcome, values: change, duals: change, reducedCosts: change, rowActivities: change,
            bands: [change, change, change, change], basis: Basis(statuses: [1, 0, 2]))).frame()

        var writer = ByteWriter()
        writer.append(UInt32(0))
        writer.appendSolvedHeader(model: 4, outcome: outcome)
        var kept = [Double]?.none, changed: [Int32] = []
        for _ in 0..<SolutionLane.sent {
            kept = previous
            new.withUnsafeBufferPointer { writer.appendChange(of: $0, times: sign, since: &kept, full: full, changed: &changed) }
        }
        writer.append(count: 3) { $0.copyBytes(from: [1, 0, 2] as [UInt8]) }
        writer.patchLength()
        #expect(writer.bytes == expected, "previous \(String(describing: previous)), new \(new), sign \(sign), full \(full)")
        #expect(kept.map { $0.map(\.bitPattern) } == signed.map(\.bitPattern))
    }
}

@Test func aFrameBufferReturnsFramesWholeHoweverTheirBytesArrive() throws {
    var w = ByteWriter()
    for payload in [[1, 2, 3], [], Array(repeating: 7, count: 100_000)] as [[UInt8]] {
        w.append(array: payload)
    }
    let bytes = w.bytes
    // Three frames (each a length and its payload), in pieces of 1, 2, 3… bytes.
    let buffer = FrameBuffer()
    var frames: [[UInt8]] = [], offset = 0, piece = 1
    while offset < bytes.count {
        let end = min(bytes.count, offset + piece)
        bytes[offset..<end].withUnsafeBytes { buffer.append($0) }
        while let frame = try buffer.nextFrame() { frames.append(frame) }
        (offset, piece) = (end, piece * 2 + 1)
    }
    #expect(frames == [[1, 2, 3], [], Array(repeating: 7, count: 100_000)])
    #expect(buffer.unread == 0)
}

@Test func aFrameBufferRefusesALengthBeyondTheLimit() {
    let buffer = FrameBuffer()
    withUnsafeBytes(of: UInt32(maximumFrameLength + 1).littleEndian) { buffer.append($0) }
    #expect(throws: FrameError.self) { try buffer.nextFrame() }
}
