import LiveSolveModel
import LiveSolveWorkerIPC
import NIOCore

/// The newest solution vectors of a model and the recent versions that led to them, so a
/// subscriber at any recent version gets one exact delta, and one further behind a snapshot.
struct SolutionHistory {
    /// Per `SolutionLane`, the newest vectors with maps.
    private(set) var vectors: [[Double]] = Array(repeating: [], count: SolutionLane.count)
    /// Oldest first; a ring, so that dropping the oldest moves none of the others.
    private(set) var versions = CircularBuffer<SolutionVersion>()
    /// The vectors as the worker last sent them, which its next answer changes, kept apart only
    /// while they differ from `vectors`: after an answer without maps (infeasible, say).
    private var workerVectors: [[Double]]?
    let limit: Int

    init(limit: Int) { self.limit = limit }

    var newest: SolutionVersion? { versions.last }
    /// Whether the newest vectors include `field` (the bands' lanes come and go).
    func holds(_ field: SolutionField) -> Bool { !vectors[field.lanes[0].rawValue].isEmpty }
    /// Every field but the bands not held.
    var heldFields: FieldSet { FieldSet(SolutionField.allCases.filter { !$0.isBand || holds($0) }) }

    /// Installs a version from a worker's answer, whose `changes` (one per `SolutionLane`) are
    /// against the worker's previous answer for this model.
    ///
    /// When that previous answer is `vectors` (the usual case), the changes are applied in place
    /// and recorded as they go: the work is the size of the change, not of the model, and no
    /// vector is copied. Otherwise whole vectors are compared.
    mutating func install<Values, Indices>(_ version: SolutionVersion, changes: [Change<Values, Indices>]) {
        guard version.hasMaps else {
            absorb(changes)
            return append(version)
        }
        var version = version
        let lanes = 0..<SolutionLane.sent
        if workerVectors == nil, lanes.allSatisfy({ changes[$0].isSparseInOrder(within: vectors[$0].count) }) {
            version.changes = Array(repeating: [], count: SolutionLane.count)
            for f in lanes {
                let change = changes[f]
                for k in 0..<change.count {
                    let (i, value) = (change.index(k), change.value(k))
                    guard vectors[f][i].bitPattern != value.bitPattern else { continue }
                    version.changes[f].append((i, vectors[f][i]))
                    vectors[f][i] = value
                }
            }
        } else {
            var worker = workerVectors ?? vectors
            for f in lanes { changes[f].apply(to: &worker[f]) }
            // The derived lanes are the server's, as they stand; `derive` follows.
            for f in SolutionLane.sent..<SolutionLane.count { worker[f] = vectors[f] }
            version.changes = SolutionLane.allCases.map { lanes.contains($0.rawValue) ? Self.differences(from: vectors[$0.rawValue], to: worker[$0.rawValue]) : [] }
            vectors = worker
            workerVectors = nil
        }
        append(version)
    }

    /// Sets a lane the server derives (`parameterDown`, `parameterUp`) in the newest version,
    /// which records what changed.
    mutating func derive(_ lane: SolutionLane, _ vector: [Double]) {
        guard let last = versions.indices.last, versions[last].hasMaps else { return }
        versions[last].changes[lane.rawValue] = Self.differences(from: vectors[lane.rawValue], to: vector)
        vectors[lane.rawValue] = vector
    }

    /// Installs a version the server computed without a solve: the newest maps, with `clearing`
    /// emptied (what it does not know). The worker's next answer is against what it last sent.
    mutating func installWithoutSolve(_ version: SolutionVersion, clearing: [SolutionLane]) {
        var version = version
        if workerVectors == nil { workerVectors = vectors }
        version.changes = Array(repeating: [], count: SolutionLane.count)
        for lane in clearing {
            version.changes[lane.rawValue] = Self.differences(from: vectors[lane.rawValue], to: [])
            vectors[lane.rawValue] = []
        }
        append(version)
    }

    /// Takes a worker's changes that no version shows (a stopped solve's without an incumbent),
    /// so that its next answer's changes apply.
    mutating func absorb<Values, Indices>(_ changes: [Change<Values, Indices>]) {
        var worker = workerVectors ?? vectors
        for f in 0..<SolutionLane.sent { changes[f].apply(to: &worker[f]) }
        workerVectors = worker
    }

    /// Installs a version with no answer behind it (a failed or overrun solve): maps unchanged.
    mutating func install(_ version: SolutionVersion) {
        append(version)
    }

    private mutating func append(_ version: SolutionVersion) {
        versions.append(version)
        while versions.count > limit { versions.removeFirst() }
    }

    /// The entries of `new` that differ from `old`: all of either when the lengths differ (the
    /// bands' lanes come and go), an entry missing from `old` with NaN.
    private static func differences(from old: [Double], to new: [Double]) -> [(index: Int, old: Double)] {
        guard old.count == new.count else { return (0..<max(old.count, new.count)).map { ($0, $0 < old.count ? old[$0] : .nan) } }
        return new.indices.compactMap { old[$0].bitPattern != new[$0].bitPattern ? ($0, old[$0]) : nil }
    }

    /// The entries of `field` that differ from what a subscriber holding the maps of version
    /// `since` has; nil when that version is no longer in the history (send a snapshot).
    func delta(of field: SolutionField, since: Int) -> FieldEntries? {
        guard let first = versions.first, since >= first.number - 1 else { return nil }
        var changed = Set<Int>()
        for lane in field.lanes {
            var oldest: [Int: Double] = [:]
            for version in versions where version.number > since && version.hasMaps {
                for change in version.changes[lane.rawValue] where oldest[change.index] == nil { oldest[change.index] = change.old }
            }
            let current = vectors[lane.rawValue]
            for (i, old) in oldest where i >= current.count || old.bitPattern != current[i].bitPattern { changed.insert(i) }
        }
        return entries(of: field, at: changed.sorted(), in: vectors)
    }

    /// The entries of `field` that the newest version changed against the one before.
    func newestChanges(of field: SolutionField) -> FieldEntries {
        guard let newest else { return entries(of: field, at: [], in: vectors) }
        if field.lanes.count == 1 {
            return entries(of: field, at: newest.changes[field.lanes[0].rawValue].map(\.index), in: vectors)
        }
        let changed = Set(field.lanes.flatMap { newest.changes[$0.rawValue].map(\.index) })
        return entries(of: field, at: changed.sorted(), in: vectors)
    }

    /// Every entry of `field`.
    func full(_ field: SolutionField) -> FieldEntries {
        entries(of: field, at: nil, in: vectors)
    }

    /// Every entry of `field` as it was at version `number`: the newest vectors with the changes
    /// of every later version undone. Nil when that version has left the history.
    func full(_ field: SolutionField, at number: Int) -> FieldEntries? {
        guard versions.contains(where: { $0.number == number }) else { return nil }
        var lanes = vectors
        for lane in field.lanes {
            for version in versions.reversed() where version.number > number && version.hasMaps {
                for change in version.changes[lane.rawValue] {
                    while lanes[lane.rawValue].count <= change.index { lanes[lane.rawValue].append(.nan) }
                    lanes[lane.rawValue][change.index] = change.old
                }
            }
        }
        return entries(of: field, at: nil, in: lanes)
    }

    /// `field`'s entries at `indices` (every index when nil) in `lanes`. A band entry missing
    /// from its lanes (they were emptied) reads as NaN: no band.
    private func entries(of field: SolutionField, at indices: [Int]?, in lanes: [[Double]]) -> FieldEntries {
        let first = lanes[field.lanes[0].rawValue]
        guard field.lanes.count == 2 else {
            return .scalars(indices.map { $0.map { ($0, first[$0]) } } ?? first.enumerated().map { ($0.offset, $0.element) })
        }
        let second = lanes[field.lanes[1].rawValue]
        func band(_ i: Int) -> (Int, Double, Double) {
            i < first.count && i < second.count ? (i, first[i], second[i]) : (i, .nan, .nan)
        }
        // A whole map leaves out the entries with no band (a row with no active bound); a
        // delta keeps them, so that the subscriber drops its band.
        return .bands(indices.map { $0.map(band) } ?? first.indices.map(band).filter { !$0.1.isNaN })
    }
}
