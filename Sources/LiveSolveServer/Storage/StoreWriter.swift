import Dispatch
import LiveSolveModel
import LiveSolveStore
import NIOCore

/// Takes the records of accepted changes on the loop and commits them on a thread of its own,
/// grouped: every record logged in one loop turn (`sync`) or within `storage.flushMillis`
/// (`async`) goes in one transaction. What waits for a record runs on the loop once it is
/// committed, in the order the records were logged.
final class StoreWriter {
    typealias Completion = (Result<Void, StoreError>) -> Void

    let store: Store
    private let loop: any EventLoop
    private let durability: Durability
    private let flushDelay: TimeAmount
    /// Commits run here, one at a time, in order: never on the loop.
    private let queue = DispatchQueue(label: "livesolve.store")
    /// Calls `committed(batch:result:)`, on the loop: the queue cannot hold the writer itself.
    private let wake: @Sendable (Int, Result<Void, StoreError>) -> Void
    private var pending: [Pending] = []

    /// A record, or a model whose snapshot record is made on the store's thread: writing a
    /// document is O(model), too much for the loop.
    private enum Pending {
        case record(StoreRecord)
        case snapshot(number: UInt32, seq: Int, model: Model, basis: [UInt8]?, retain: Int)

        var record: StoreRecord {
            switch self {
            case .record(let record): record
            case let .snapshot(number, seq, model, basis, retain):
                .snapshot(model: number, seq: seq, document: JSONWriter.string(JSONModelWriter.document(model)), basis: basis, retain: retain)
            }
        }
    }
    private var pendingCompletions: [Completion] = []
    private var isFlushScheduled = false
    private var nextBatch = 0
    private var inFlight: [Int: [Completion]] = [:]

    private let metrics: ServerMetrics

    init(store: Store, loop: any EventLoop, durability: Durability, flushMillis: Int, metrics: ServerMetrics,
         wake: @escaping @Sendable (Int, Result<Void, StoreError>) -> Void) {
        self.store = store
        self.metrics = metrics
        self.loop = loop
        self.durability = durability
        self.flushDelay = .milliseconds(Int64(flushMillis))
        self.wake = wake
    }

    /// Logs a record; `completion` runs on the loop once it is committed (or failed to be).
    func log(_ record: StoreRecord, completion: @escaping Completion = { _ in }) {
        add(.record(record), completion: completion)
    }

    /// Logs the model's whole state at `seq`, and drops log records `retain` updates behind it.
    func snapshot(number: UInt32, seq: Int, model: Model, basis: [UInt8]?, retain: Int) {
        add(.snapshot(number: number, seq: seq, model: model, basis: basis, retain: retain), completion: { _ in })
    }

    private func add(_ record: Pending, completion: @escaping Completion) {
        pending.append(record)
        pendingCompletions.append(completion)
        guard !isFlushScheduled else { return }
        isFlushScheduled = true
        if durability == .async {
            loop.assumeIsolated().scheduleTask(in: flushDelay) { [self] in flush() }
        } else {
            loop.assumeIsolated().execute { [self] in flush() }
        }
    }

    /// Hands the records logged so far to the store's thread.
    func flush() {
        isFlushScheduled = false
        guard !pending.isEmpty else { return }
        let (records, completions) = (pending, pendingCompletions)
        (pending, pendingCompletions) = ([], [])
        nextBatch += 1
        let batch = nextBatch
        inFlight[batch] = completions
        let (store, wake, loop, metrics) = (self.store, self.wake, self.loop, self.metrics)
        queue.async {
            let start = NIODeadline.now()
            let written = records.map(\.record)
            let result: Result<Void, StoreError>
            do throws(StoreError) {
                try store.write(written)
                result = .success(())
                metrics.storeCommitSeconds.record(Double((NIODeadline.now() - start).nanoseconds) / 1e9)
                metrics.storeRecords.increment(by: Int64(written.count))
                metrics.storeBytes.increment(by: Int64(written.reduce(0) { $0 + $1.byteCount }))
                metrics.storeSnapshots.increment(by: Int64(written.count { if case .snapshot = $0 { true } else { false } }))
            } catch {
                metrics.storeFailures.increment()
                result = .failure(error)
            }
            loop.execute { wake(batch, result) }
        }
    }

    func committed(batch: Int, result: Result<Void, StoreError>) {
        for completion in inFlight.removeValue(forKey: batch) ?? [] { completion(result) }
    }

    /// Commits everything logged so far, then resumes `done` (shutdown).
    func drain(_ done: CheckedContinuation<Void, Never>) {
        flush()
        queue.async { done.resume() }
    }
}
