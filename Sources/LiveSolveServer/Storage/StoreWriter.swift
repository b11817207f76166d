import Dispatch
import LiveSolveModel
import LiveSolveStore
import NIOConcurrencyHelpers
import NIOCore

/// Takes the records of accepted changes on the loop and commits them on a thread of its own,
/// grouped: every record logged in one loop turn (`sync`) or within `storage.flushMillis`
/// (`async`) goes in one transaction. What waits for a record runs on the loop once it is
/// committed, in the order the records were logged.
///
/// A commit that fails fails every record logged after it too, committed or not yet: they
/// were accepted on top of what it did not store, and the log must have no gaps. With `sync`
/// their changes are undone; with `async` (already acknowledged) each model they touched is
/// written whole, as a snapshot, with the next commit.
final class StoreWriter {
    typealias Completion = (Result<Void, StoreError>) -> Void

    /// A model's whole state, for a snapshot.
    struct Image {
        var number: UInt32
        var name: String
        var seq: Int
        var model: Model
        var basis: [UInt8]?
        var following: (parent: UInt32, overrides: String)?
    }

    let store: Store
    private let loop: any EventLoop
    private let durability: Durability
    private let flushDelay: TimeAmount
    private let retainUpdates: Int
    /// Commits run here, one at a time, in order: never on the loop.
    private let queue = DispatchQueue(label: "livesolve.store")
    /// Set on the queue by a failed commit: the batches queued behind it are not written until
    /// the loop, having failed them all, clears it.
    private let queueFailure = NIOLockedValueBox<StoreError?>(nil)
    /// Calls `committed(batch:result:)`, on the loop: the queue cannot hold the writer itself.
    private let wake: @Sendable (Int, Result<Void, StoreError>) -> Void
    /// A model's image now, or nil once it is deleted: what `async` rewrites after a failure.
    private let image: (UInt32) -> Image?
    private var pending: [Pending] = []

    /// A record, or a model whose snapshot record is made on the store's thread: writing a
    /// document is O(model), too much for the loop.
    private enum Pending {
        case record(StoreRecord)
        /// `restoring`: its create may not be stored either, so it goes first (if missing).
        case snapshot(Image, retain: Int, restoring: Bool)

        var model: UInt32 {
            switch self {
            case .record(.create(let model, _, _)), .record(.update(let model, _, _, _)), .record(.delete(let model)),
                 .record(.snapshot(let model, _, _, _, _)), .record(.following(let model, _, _)):
                model
            case .snapshot(let image, _, _): image.number
            }
        }

        var records: [StoreRecord] {
            switch self {
            case .record(let record): return [record]
            case let .snapshot(image, retain, restoring):
                let document = JSONWriter.string(JSONModelWriter.document(image.model))
                let snapshot = StoreRecord.snapshot(model: image.number, seq: image.seq, document: document, basis: image.basis, retain: retain)
                guard restoring else { return [snapshot] }
                let following = image.following.map { StoreRecord.following(model: image.number, parent: $0.parent, overrides: $0.overrides) }
                return [.create(model: image.number, name: image.name, document: document)] + (following.map { [$0] } ?? []) + [snapshot]
            }
        }
    }
    private var pendingCompletions: [Completion] = []
    private var isFlushScheduled = false
    private var nextBatch = 0
    private var inFlight: [Int: (models: [UInt32], completions: [Completion])] = [:]
    /// Models whose acknowledged (`async`) changes a failed commit lost: written whole next.
    private var lost: Set<UInt32> = []
    /// How long until those are tried again: doubling while the disk stays full, to a bound.
    private var retryDelay: TimeAmount = .milliseconds(100)
    private static let longestRetryDelay: TimeAmount = .seconds(5)

    private let metrics: ServerMetrics

    init(store: Store, loop: any EventLoop, durability: Durability, flushMillis: Int, retainUpdates: Int, metrics: ServerMetrics,
         image: @escaping (UInt32) -> Image?, wake: @escaping @Sendable (Int, Result<Void, StoreError>) -> Void) {
        self.store = store
        self.metrics = metrics
        self.loop = loop
        self.durability = durability
        self.flushDelay = .milliseconds(Int64(flushMillis))
        self.retainUpdates = retainUpdates
        self.image = image
        self.wake = wake
    }

    /// Logs a record; `completion` runs on the loop once it is committed (or failed to be).
    func log(_ record: StoreRecord, completion: @escaping Completion = { _ in }) {
        add(.record(record), completion: completion)
    }

    /// Logs the model's whole state, and drops log records `storage.retainUpdates` behind it.
    func snapshot(_ image: Image) {
        add(.snapshot(image, retain: retainUpdates, restoring: false), completion: { _ in })
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
        if !lost.isEmpty {
            let restored: [Pending] = lost.sorted().map { number in
                guard let image = image(number) else { return .record(.delete(model: number)) }
                return .snapshot(image, retain: retainUpdates, restoring: true)
            }
            pending = restored + pending
            pendingCompletions = restored.map { _ in { _ in } } + pendingCompletions
            lost = []
        }
        guard !pending.isEmpty else { return }
        let (records, completions) = (pending, pendingCompletions)
        (pending, pendingCompletions) = ([], [])
        nextBatch += 1
        let batch = nextBatch
        inFlight[batch] = (durability == .async ? records.map(\.model) : [], completions)
        let (store, wake, loop, metrics, queueFailure) = (self.store, self.wake, self.loop, self.metrics, self.queueFailure)
        queue.async {
            if let earlier = queueFailure.withLockedValue({ $0 }) {
                return loop.execute { wake(batch, .failure(earlier)) }
            }
            let start = NIODeadline.now()
            let written = records.flatMap(\.records)
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
                queueFailure.withLockedValue { $0 = error }
                result = .failure(error)
            }
            loop.execute { wake(batch, result) }
        }
    }

    func committed(batch: Int, result: Result<Void, StoreError>) {
        guard case .failure(let error) = result else {
            for completion in inFlight.removeValue(forKey: batch)?.completions ?? [] { completion(result) }
            retryDelay = .milliseconds(100)
            return
        }
        // This batch and everything logged after it fail together; then the queue writes again.
        guard let failed = inFlight.removeValue(forKey: batch) else { return }
        var models = failed.models, completions = failed.completions
        for later in inFlight.keys.sorted() {
            let batch = inFlight.removeValue(forKey: later)!
            models += batch.models
            completions += batch.completions
        }
        if durability == .async { models += pending.map(\.model) }
        completions += pendingCompletions
        (pending, pendingCompletions) = ([], [])
        lost.formUnion(models)
        let queueFailure = self.queueFailure
        queue.async { queueFailure.withLockedValue { $0 = nil } }
        for completion in completions { completion(.failure(error)) }
        if !lost.isEmpty, !isFlushScheduled {
            isFlushScheduled = true
            loop.assumeIsolated().scheduleTask(in: retryDelay) { [self] in flush() }
            retryDelay = min(retryDelay * 2, Self.longestRetryDelay)
        }
    }

    /// Commits everything logged so far, then resumes `done` (shutdown).
    func drain(_ done: CheckedContinuation<Void, Never>) {
        flush()
        queue.async { done.resume() }
    }
}
