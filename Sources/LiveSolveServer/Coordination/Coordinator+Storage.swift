import LiveSolveCoordination
import LiveSolveStore
import NIOCore

extension Coordinator {
    /// Brings the store's models back (same ids, names, parameters and seq; each solved anew)
    /// and logs every change from now on.
    func adopt(_ store: Store, durability: Durability, flushMillis: Int, restored: [RestoredModel], nextNumber: UInt32) {
        self.durability = durability
        writer = StoreWriter(store: store, loop: loop, durability: durability, flushMillis: flushMillis,
                             wake: { [weak self] batch, result in self?.assumeIsolated { $0.writer?.committed(batch: batch, result: result) } })
        nextModelNumber = max(nextModelNumber, nextNumber)
        for model in restored {
            let id = "m\(model.number)"
            let record = ModelRecord(id: id, number: model.number, model: model.model, history: configuration.history)
            record.state = ModelState(restoredSeq: model.seq)
            record.storedSeq = durability == .sync ? model.seq : .max
            models[id] = record
            modelsByNumber[model.number] = record
            metrics.models.increment()
            perform(record.state.create(at: Self.now()), for: record)
        }
        if !restored.isEmpty { logger.info("restored \(restored.count) model\(restored.count == 1 ? "" : "s") from \(store.path)") }
    }

    /// Commits what is logged (shutdown).
    func drainStore() async {
        guard let writer else { return }
        await withCheckedContinuation { writer.drain($0) }
    }
}
