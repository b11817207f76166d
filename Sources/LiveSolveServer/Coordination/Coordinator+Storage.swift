import LiveSolveCoordination
import LiveSolveModel
import LiveSolveStore
import NIOCore
import NIOPosix

extension Coordinator {
    /// Brings the store's models back (same ids, names, parameters and seq; each solved anew)
    /// and logs every change from now on.
    func adopt(_ store: Store, durability: Durability, flushMillis: Int, restored: [RestoredModel], nextNumber: UInt32) {
        self.durability = durability
        writer = StoreWriter(store: store, loop: loop, durability: durability, flushMillis: flushMillis,
                             retainUpdates: configuration.storageRetainUpdates, metrics: metrics,
                             image: { [unowned self] number in modelsByNumber[number].map(\.image) },
                             wake: { [weak self] batch, result in self?.assumeIsolated { $0.writer?.committed(batch: batch, result: result) } })
        nextModelNumber = max(nextModelNumber, nextNumber)
        for model in restored {
            let id = "m\(model.number)"
            let record = ModelRecord(id: id, number: model.number, model: model.model, history: configuration.history,
                                     preempt: configuration.preempt, seq: model.seq, strategy: configuration.strategyPolicy)
            record.basis = model.basis
            record.storedSeq = durability == .sync ? model.seq : .max
            models[id] = record
            modelsByNumber[model.number] = record
            metrics.models.increment()
            perform(record.state.create(at: Self.now()), for: record)
        }
        relink(restored)
        if !restored.isEmpty { logger.info("restored \(restored.count) model\(restored.count == 1 ? "" : "s") from \(store.path)") }
        if store.isReadOnly { logger.warning("the store \(store.path) cannot be written: its models are served, every change is refused") }
    }

    /// The store, when changes are stored.
    var store: Store? { writer?.store }

    /// With a store that cannot be written at all, a change is refused before anything is applied.
    func refuseIfReadOnly(model id: String?) throws(RequestError) {
        guard let store = writer?.store, store.isReadOnly else { return }
        throw RequestError(.storageError, "the store \(store.path) is read-only (its file or folder cannot be written): changes are refused, reads are served", model: id)
    }

    /// Snapshots every model and commits what is logged (shutdown): the next start reads
    /// each model from its snapshot, not its whole log.
    func drainStore() async {
        guard let writer, !writer.store.isReadOnly else { return }
        for record in models.values where record.updatesSinceSnapshot > 0 { snapshot(record) }
        await withCheckedContinuation { writer.drain($0) }
    }

    /// Counts an update towards the model's next snapshot, taken every `storage.snapshotUpdates`.
    func countTowardsSnapshot(_ record: ModelRecord) {
        record.updatesSinceSnapshot += 1
        if record.updatesSinceSnapshot >= configuration.storageSnapshotUpdates { snapshot(record) }
    }

    private func snapshot(_ record: ModelRecord) {
        record.updatesSinceSnapshot = 0
        writer?.snapshot(record.image)
    }

    /// The store committed the model's changes up to `seq`: what waited for them is installed.
    func stored(upTo seq: Int, for record: ModelRecord) {
        record.storedSeq = max(record.storedSeq, seq)
        record.unstored.removeFirst(record.unstored.prefix { $0.seq <= seq }.count)
        while let first = record.heldInstalls.first, first.seq <= record.storedSeq {
            record.heldInstalls.removeFirst()
            install(first, for: record)
        }
    }

    /// The store failed to commit the model's newest updates (`sync`): every update not yet
    /// stored is undone, so memory holds what the store holds, and the model is solved again.
    /// No client saw them: their acks are errors, and solutions that include them were held.
    func rollBack(_ record: ModelRecord) {
        guard !record.unstored.isEmpty else { return }
        for undone in record.unstored.reversed() { record.model.apply(undone.undo) }
        record.updatesSinceSnapshot = max(0, record.updatesSinceSnapshot - record.unstored.count)
        record.unstored = []
        record.heldInstalls.removeAll { $0.seq > record.storedSeq }
        // Its shares counted changes now undone.
        record.rangingBudget = nil
        perform(record.state.rollBack(to: record.storedSeq, at: Self.now()), for: record)
    }

    /// The store and what `GET …/updates` may read of a model: its number and newest seq.
    func log(of id: String) throws(RequestError) -> (store: Store?, number: UInt32, newest: Int) {
        let record = try record(id)
        return (writer?.store, record.number, record.seq)
    }

    /// A full solution message of the model: its newest, or as it was at `seq`, which is solved
    /// anew in a worker from the model rebuilt off the loop. `fields` nil is REST's every field:
    /// the stability bands only while the model keeps them, since a read that solved again for
    /// them would make every poll a solve.
    func solutionMessage(of id: String, at seq: Int?, fields: FieldSet?, id echo: EchoedID?) async throws(RequestError) -> ByteBuffer {
        let past = try past(of: id, at: seq)
        guard case .stored(_, _, let at, _) = past else {
            // The newest seq asked for by number: its solution, once there is one.
            let record = try record(id)
            let version = try await solution(of: record, minSeq: seq ?? 0, fields: fields ?? .maps)
            return answer(record, waitedFor: version, fields: fields ?? record.history.heldFields, id: echo)
        }
        let fields = fields ?? .maps
        // Solved under a number of its own, seen by no one but this request.
        nextPastNumber &-= 1
        let record = ModelRecord(id: id, number: nextPastNumber, model: try await past.rebuilt(id: id), history: 1)
        record.state = ModelState(restoredSeq: at)
        record.storedSeq = .max
        modelsByNumber[record.number] = record
        record.bandsRequested = fields.hasBands
        defer {
            modelsByNumber[record.number] = nil
            perform(record.state.delete(), for: record)
        }
        perform(record.state.create(at: Self.now()), for: record)
        _ = try await solution(of: record, minSeq: at)
        return snapshot(record, fields: fields, id: echo)
    }

    /// What a fork or a look back at `seq` starts from: the model as it is, when `seq` is the
    /// newest; else the store, to rebuild it from off the loop.
    func past(of id: String, at seq: Int?) throws(RequestError) -> Past {
        let record = try record(id)
        let seq = seq ?? record.seq
        guard seq >= 0, seq <= record.seq else {
            throw RequestError(.invalidValue, "seq: expected an integer from 0 to the model's newest seq \(record.seq), found \(seq)", model: id)
        }
        if seq == record.seq { return .current(record.model, seq: seq) }
        guard let store = writer?.store else {
            throw RequestError(.invalidValue, "seq: only the newest seq \(record.seq) is kept: the server runs with storage.durability off", model: id)
        }
        return .stored(store, number: record.number, seq: seq, name: record.model.name)
    }
}

/// A model's state at a seq, or where to read it from.
enum Past: Sendable {
    case current(Model, seq: Int)
    case stored(Store, number: UInt32, seq: Int, name: String)

    /// The seq it is at.
    var seq: Int {
        switch self {
        case let .current(_, seq), let .stored(_, _, seq, _): seq
        }
    }

    /// `model(id:)` on the thread pool: never on the loop.
    func rebuilt(id: String) async throws(RequestError) -> Model {
        let rebuilt: Result<Model, RequestError>
        do {
            rebuilt = try await NIOThreadPool.singleton.runIfActive {
                do throws(RequestError) { return .success(try model(id: id)) } catch { return .failure(error) }
            }
        } catch {
            throw RequestError(.internal, "model reader unavailable: \(error)", model: id)
        }
        return try rebuilt.get()
    }

    /// The model at that seq, reading the store and replaying its log: O(model + log).
    func model(id: String) throws(RequestError) -> Model {
        switch self {
        case let .current(model, _): return model
        case let .stored(store, number, seq, _):
            let stored: StoredModel?
            do { stored = try store.state(of: number, at: seq) } catch { throw RequestError(.storageError, "\(error)", model: id) }
            guard let stored else {
                let oldest = (try? store.oldestAvailableSeq(of: number)).map { "; the oldest seq still available is \($0)" } ?? ""
                throw RequestError(.invalidValue, "seq: \(seq) is older than the retained log\(oldest)", model: id)
            }
            do { return try RestoredModel(stored, path: store.path).model } catch { throw RequestError(.storageError, "\(error)", model: id) }
        }
    }
}
