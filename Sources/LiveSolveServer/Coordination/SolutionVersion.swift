import LiveSolveCoordination
import LiveSolveModel
import LiveSolveWorkerIPC

/// One installed solution of a model: what every subscriber is converging to.
struct SolutionVersion {
    /// Whether this is a solve's last word: `get` and `?wait=true` answer only with one.
    var isFinal: Bool { mip?.isFinal ?? true }

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
    /// When its newest update was accepted, and how long that waited for the solve: what
    /// `stats.inputAgeMicros` and `stats.queuedMicros` are written from.
    var freshness: ModelState.Freshness
    /// Whether it carries maps (a solution exists); a version without them leaves maps as they were.
    var hasMaps: Bool
    /// An integer model's bound, nodes and incumbents, and whether this is its solve's last word.
    var mip: MIPStats?
    /// Per field, the entries that changed against the previous version with maps: (index, old value).
    var changes: [[(index: Int, old: Double)]]
}
