import LiveSolveModel
import LiveSolveWorkerIPC
import NIOCore

/// The newest solution vectors of a model and the recent versions that led to them, so a
/// subscriber at any recent version gets one exact delta, and one further behind a snapshot.
struct SolutionHistory {
    /// values, duals, reducedCosts, rowActivities: the newest vectors with maps.
    private(set) var vectors: [[Double]] = [[], [], [], []]
    /// Oldest first; a ring, so that dropping the oldest moves none of the others.
    private(set) var versions = CircularBuffer<SolutionVersion>()
    /// The vectors as the worker last sent them, which its next answer changes, kept apart only
    /// while they differ from `vectors`: after an answer without maps (infeasible, say).
    private var workerVectors: [[Double]]?
    let limit: Int

    init(limit: Int) { self.limit = limit }

    var newest: SolutionVersion? { versions.last }

    /// Installs a version from a worker's answer, whose `changes` (values, duals, reduced
    /// costs, row activities) are against the worker's previous answer for this model.
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
        if workerVectors == nil, (0..<4).allSatisfy({ changes[$0].isSparseInOrder(within: vectors[$0].count) }) {
            version.changes = [[], [], [], []]
            for f in 0..<4 {
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
            for f in 0..<4 { changes[f].apply(to: &worker[f]) }
            version.changes = (0..<4).map { Self.differences(from: vectors[$0], to: worker[$0]) }
            vectors = worker
            workerVectors = nil
        }
        append(version)
    }

    /// Takes a worker's changes that no version shows (a stopped solve's without an incumbent),
    /// so that its next answer's changes apply.
    mutating func absorb<Values, Indices>(_ changes: [Change<Values, Indices>]) {
        var worker = workerVectors ?? vectors
        for f in 0..<4 { changes[f].apply(to: &worker[f]) }
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

    /// The entries of `new` that differ from `old` (all of them when the lengths differ).
    private static func differences(from old: [Double], to new: [Double]) -> [(index: Int, old: Double)] {
        guard old.count == new.count else { return new.indices.map { ($0, .nan) } }
        return new.indices.compactMap { old[$0].bitPattern != new[$0].bitPattern ? ($0, old[$0]) : nil }
    }

    /// The entries of `field` that differ from what a subscriber holding the maps of version
    /// `since` has; nil when that version is no longer in the history (send a snapshot).
    func delta(of field: SolutionField, since: Int) -> [(Int, Double)]? {
        guard let first = versions.first, since >= first.number - 1 else { return nil }
        var oldest: [Int: Double] = [:]
        for version in versions where version.number > since && version.hasMaps {
            for change in version.changes[field.index] where oldest[change.index] == nil { oldest[change.index] = change.old }
        }
        let current = vectors[field.index]
        return oldest.keys.sorted().compactMap { i in
            oldest[i]!.bitPattern == current[i].bitPattern ? nil : (i, current[i])
        }
    }

    /// Every entry of `field`.
    func full(_ field: SolutionField) -> [(Int, Double)] {
        vectors[field.index].enumerated().map { ($0.offset, $0.element) }
    }

    /// Every entry of `field` as it was at version `number`: the newest vectors with the changes
    /// of every later version undone. Nil when that version has left the history.
    func full(_ field: SolutionField, at number: Int) -> [(Int, Double)]? {
        guard versions.contains(where: { $0.number == number }) else { return nil }
        var vector = vectors[field.index]
        for version in versions.reversed() where version.number > number && version.hasMaps {
            for change in version.changes[field.index] { vector[change.index] = change.old }
        }
        return vector.enumerated().map { ($0.offset, $0.element) }
    }
}
