import LiveSolveCoordination
import LiveSolveWorkerIPC

/// One connection's subscription to one model, shared by the connection's table and the model's
/// subscriber list, so publishing reaches each subscriber's state without a dictionary lookup.
final class Subscription {
    let connection: Connection
    /// The model's id.
    let model: String
    let fields: FieldSet
    /// Above 0, an entry is sent only when it moved by more than `deadband × max(1, |last sent|)`.
    let deadband: Double
    /// With a deadband: per `SolutionLane`, the values last sent to this subscriber (what its
    /// view holds), which its deltas are measured against; set by each full snapshot.
    var sent: [[Double]] = Array(repeating: [], count: SolutionLane.count)
    var state: SubscriberState
    /// False once unsubscribed, replaced by a new subscribe, or its connection closed: a
    /// fan-out pass under way skips it.
    var isActive = true

    init(connection: Connection, model: String, fields: FieldSet, deadband: Double = 0, state: SubscriberState) {
        self.connection = connection
        self.model = model
        self.fields = fields
        self.deadband = deadband
        self.state = state
    }

    /// The entries that moved by more than the deadband from what this subscriber was last
    /// sent, which they then become. An entry to or from a non-finite value (an unbounded
    /// band side, no band) moves when it differs at all.
    func passDeadband(_ entries: FieldEntries, of field: SolutionField) -> FieldEntries {
        func moved(_ lane: SolutionLane, _ i: Int, to value: Double) -> Bool {
            let last = i < sent[lane.rawValue].count ? sent[lane.rawValue][i] : .nan
            guard last.isFinite, value.isFinite else { return last.bitPattern != value.bitPattern }
            return abs(value - last) > deadband * max(1, abs(last))
        }
        func record(_ lane: SolutionLane, _ i: Int, _ value: Double) {
            while sent[lane.rawValue].count <= i { sent[lane.rawValue].append(.nan) }
            sent[lane.rawValue][i] = value
        }
        let lanes = field.lanes
        switch entries {
        case .scalars(let entries):
            return .scalars(entries.filter { entry in
                guard moved(lanes[0], entry.index, to: entry.value) else { return false }
                record(lanes[0], entry.index, entry.value)
                return true
            })
        case .bands(let entries):
            return .bands(entries.filter { entry in
                guard moved(lanes[0], entry.index, to: entry.down) || moved(lanes[1], entry.index, to: entry.up) else { return false }
                record(lanes[0], entry.index, entry.down)
                record(lanes[1], entry.index, entry.up)
                return true
            })
        }
    }
}
