import LiveSolveModel

/// One installed solution of a model: what every subscriber is converging to.
struct SolutionVersion {
    /// 1, 2, 3… per model, one per installed solve.
    var number: Int
    /// The newest accepted update this solution includes.
    var seq: Int
    var status: SolveStatus
    var message: String?
    var objective: Double
    var iterations: Int
    var isWarmStart: Bool
    var algorithm: Algorithm
    var solveMicros: Int
    var updatesMerged: Int
    /// Whether it carries maps (a solution exists); a version without them leaves maps as they were.
    var hasMaps: Bool
    /// Per field, the entries that changed against the previous version with maps: (index, old value).
    var changes: [[(index: Int, old: Double)]]
}

/// The newest solution vectors of a model and the recent versions that led to them, so a
/// subscriber at any recent version gets one exact delta, and one further behind a snapshot.
struct SolutionHistory {
    /// values, duals, reducedCosts, rowActivities: the newest vectors with maps.
    private(set) var vectors: [[Double]] = [[], [], [], []]
    private(set) var versions: [SolutionVersion] = []
    let limit: Int

    init(limit: Int) { self.limit = limit }

    var newest: SolutionVersion? { versions.last }

    /// Installs a version whose maps (when it has them) are `newVectors`.
    mutating func install(_ version: SolutionVersion, vectors newVectors: [[Double]]?) {
        var version = version
        if let newVectors {
            var changes: [[(index: Int, old: Double)]] = [[], [], [], []]
            for f in 0..<4 {
                let old = vectors[f], new = newVectors[f]
                if old.count != new.count {
                    changes[f] = new.indices.map { ($0, .nan) }
                } else {
                    for i in new.indices where old[i].bitPattern != new[i].bitPattern { changes[f].append((i, old[i])) }
                }
            }
            version.changes = changes
            vectors = newVectors
        }
        versions.append(version)
        if versions.count > limit { versions.removeFirst(versions.count - limit) }
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
}
