import LiveSolveModel
import LiveSolveWorkerIPC
import NIOCore

extension Coordinator {
    /// Installs a worker's answer as the model's newest version and fans it out.
    func install(_ answer: SolveAnswer, for record: ModelRecord) {
        guard let flight = record.inFlight else { return }
        record.inFlight = nil
        for (f, change) in [answer.values, answer.duals, answer.reducedCosts, answer.rowActivities].enumerated() {
            change.apply(to: &record.mirror[f])
        }
        record.basis = answer.basis
        record.crashes = 0
        let version = SolutionVersion(
            number: (record.history.newest?.number ?? 0) + 1, seq: flight.seq, status: answer.status,
            message: answer.message, objective: answer.objective, iterations: answer.iterations,
            isWarmStart: answer.isWarmStart, algorithm: answer.algorithm, solveMicros: answer.solveMicros,
            updatesMerged: flight.updatesMerged, hasMaps: answer.status.hasSolution, changes: [])
        record.history.install(version, vectors: version.hasMaps ? record.mirror : nil)
        metrics.solved(micros: answer.solveMicros, since: flight.oldestUpdate, merged: flight.updatesMerged)
        publish(record)
        dispatch(record)
    }

    /// Sends the newest version to every subscriber: the same encoded delta to every up-to-date
    /// subscriber with the same fields; a catch-up delta (or snapshot) to one behind; nothing to
    /// one whose socket is full (it is caught up when it drains); and answers waiting requests.
    func publish(_ record: ModelRecord) {
        guard let newest = record.history.newest else { return }
        // Framed once per field set and written to every up-to-date subscriber with it; the
        // last one used is checked first, as most subscribers share one.
        var shared: [FieldSet: ByteBuffer] = [:]
        var last: (fields: FieldSet, frame: ByteBuffer)?
        var delivered = 0
        for subscription in record.subscribers.values {
            let connection = subscription.connection
            if let after = subscription.snapshotAfterSeq {
                guard newest.seq >= after else { continue }
                subscription.snapshotAfterSeq = nil
                sendSnapshot(record, to: subscription)
            } else if !connection.isWritable {
                if !subscription.isLagging {
                    subscription.isLagging = true
                    lagging.append((connection, record.id))
                    scheduleLaggingCheck()
                }
            } else if newest.hasMaps && !subscription.hasMaps {
                sendSnapshot(record, to: subscription)
            } else if subscription.sentVersion == newest.number - 1 {
                let fields = subscription.fields, frame: ByteBuffer
                if let last, last.fields == fields {
                    frame = last.frame
                } else if let known = shared[fields] {
                    frame = known
                    last = (fields, frame)
                } else {
                    frame = deltaFrame(record, newest, fields: fields)
                    shared[fields] = frame
                    last = (fields, frame)
                }
                connection.send(frame: frame)
                subscription.sentVersion = newest.number
                delivered += 1
            } else if !subscription.isLagging {
                catchUp(record, to: subscription)
            }
        }
        metrics.deliveries.increment(by: Int64(delivered))
        let ready = record.waiters.filter { newest.seq >= $0.minSeq }
        record.waiters.removeAll { newest.seq >= $0.minSeq }
        for waiter in ready { waiter.resume(.success(newest)) }
    }

    /// The framed delta from the previous version to `version`, with the given fields.
    private func deltaFrame(_ record: ModelRecord, _ version: SolutionVersion, fields: FieldSet) -> ByteBuffer {
        let maps = version.hasMaps ? fields.fields.map { field in
            (field, version.changes[field.index].map { ($0.index, record.history.vectors[field.index][$0.index]) })
        } : nil
        return TextFrame.encode(ServerMessage.solution(model: record, version: version, full: false, id: nil, maps: maps))
    }

    /// A full solution message with the given fields (maps only when the newest version has a solution).
    func snapshot(_ record: ModelRecord, fields: FieldSet, id: JSON?) -> String {
        let newest = record.history.newest!
        let maps = newest.hasMaps ? fields.fields.map { ($0, record.history.full($0)) } : nil
        return ServerMessage.solution(model: record, version: newest, full: true, id: id, maps: maps)
    }

    func sendSnapshot(_ record: ModelRecord, to subscription: Connection.Subscription) {
        guard let newest = record.history.newest else { return }
        subscription.connection.send(snapshot(record, fields: subscription.fields, id: nil))
        subscription.sentVersion = newest.number
        subscription.hasMaps = newest.hasMaps
        metrics.deliveries.increment()
    }

    /// Sends one delta from the subscriber's version to the newest, or a snapshot if that
    /// version has left the history.
    func catchUp(_ record: ModelRecord, to subscription: Connection.Subscription) {
        guard let newest = record.history.newest, subscription.sentVersion < newest.number else { return }
        guard subscription.hasMaps else { return sendSnapshot(record, to: subscription) }
        let deltas = subscription.fields.fields.map { field in (field, record.history.delta(of: field, since: subscription.sentVersion)) }
        if deltas.contains(where: { $0.1 == nil }) {
            return sendSnapshot(record, to: subscription)
        } else {
            let maps = newest.hasMaps || record.history.versions.contains { $0.number > subscription.sentVersion && $0.hasMaps }
                ? deltas.map { ($0.0, $0.1!) } : nil
            subscription.connection.send(ServerMessage.solution(model: record, version: newest, full: false, id: nil, maps: maps))
        }
        subscription.sentVersion = newest.number
        metrics.deliveries.increment()
    }

    /// Checks lagging subscribers every few milliseconds while there are any.
    func scheduleLaggingCheck() {
        guard laggingTimer == nil else { return }
        laggingTimer = loop.scheduleTask(in: .milliseconds(5)) { [weak self] in
            guard let self else { return }
            self.assumeIsolated { $0.checkLagging() }
        }
    }

    func checkLagging() {
        laggingTimer = nil
        var still: [(Connection, String)] = []
        for (connection, id) in lagging {
            guard connection.isOpen, let record = models[id], let subscription = connection.subscriptions[id] else { continue }
            guard connection.isWritable else { still.append((connection, id)); continue }
            subscription.isLagging = false
            catchUp(record, to: subscription)
        }
        lagging = still
        if !lagging.isEmpty { scheduleLaggingCheck() }
    }
}
