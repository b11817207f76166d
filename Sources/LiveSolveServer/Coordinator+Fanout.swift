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
        var shared: [FieldSet: ByteBuffer] = [:]  // framed once per field set, written to every up-to-date subscriber
        for connection in record.subscribers.values {
            guard var subscription = connection.subscriptions[record.id] else { continue }
            if let after = subscription.snapshotAfterSeq {
                guard newest.seq >= after else { continue }
                subscription.snapshotAfterSeq = nil
                sendSnapshot(connection, record, &subscription)
            } else if !connection.isWritable {
                if !subscription.isLagging {
                    subscription.isLagging = true
                    lagging.append((connection, record.id))
                    scheduleLaggingCheck()
                }
            } else if newest.hasMaps && !subscription.hasMaps {
                sendSnapshot(connection, record, &subscription)
            } else if subscription.sentVersion == newest.number - 1 {
                let buffer = shared[subscription.fields] ?? {
                    let maps = newest.hasMaps ? subscription.fields.fields.map { field in
                        (field, newest.changes[field.index].map { ($0.index, record.history.vectors[field.index][$0.index]) })
                    } : nil
                    let text = ServerMessage.solution(model: record, version: newest, full: false, id: nil, maps: maps)
                    let buffer = TextFrame.encode(text)
                    shared[subscription.fields] = buffer
                    return buffer
                }()
                connection.send(frame: buffer)
                subscription.sentVersion = newest.number
                metrics.deliveries.increment()
            } else if !subscription.isLagging {
                catchUp(connection, record, &subscription)
            }
            connection.subscriptions[record.id] = subscription
        }
        let ready = record.waiters.filter { newest.seq >= $0.minSeq }
        record.waiters.removeAll { newest.seq >= $0.minSeq }
        for waiter in ready { waiter.resume(.success(newest)) }
    }

    /// A full solution message with the given fields (maps only when the newest version has a solution).
    func snapshot(_ record: ModelRecord, fields: FieldSet, id: JSON?) -> String {
        let newest = record.history.newest!
        let maps = newest.hasMaps ? fields.fields.map { ($0, record.history.full($0)) } : nil
        return ServerMessage.solution(model: record, version: newest, full: true, id: id, maps: maps)
    }

    func sendSnapshot(_ connection: Connection, _ record: ModelRecord, _ subscription: inout Connection.Subscription) {
        guard let newest = record.history.newest else { return }
        connection.send(snapshot(record, fields: subscription.fields, id: nil))
        subscription.sentVersion = newest.number
        subscription.hasMaps = newest.hasMaps
        metrics.deliveries.increment()
    }

    /// Sends one delta from the subscriber's version to the newest, or a snapshot if that
    /// version has left the history.
    func catchUp(_ connection: Connection, _ record: ModelRecord, _ subscription: inout Connection.Subscription) {
        guard let newest = record.history.newest, subscription.sentVersion < newest.number else { return }
        guard subscription.hasMaps else { return sendSnapshot(connection, record, &subscription) }
        let deltas = subscription.fields.fields.map { field in (field, record.history.delta(of: field, since: subscription.sentVersion)) }
        if deltas.contains(where: { $0.1 == nil }) {
            return sendSnapshot(connection, record, &subscription)
        } else {
            let maps = newest.hasMaps || record.history.versions.contains { $0.number > subscription.sentVersion && $0.hasMaps }
                ? deltas.map { ($0.0, $0.1!) } : nil
            connection.send(ServerMessage.solution(model: record, version: newest, full: false, id: nil, maps: maps))
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
            guard connection.isOpen, let record = models[id], var subscription = connection.subscriptions[id] else { continue }
            guard connection.isWritable else { still.append((connection, id)); continue }
            subscription.isLagging = false
            catchUp(connection, record, &subscription)
            connection.subscriptions[id] = subscription
        }
        lagging = still
        if !lagging.isEmpty { scheduleLaggingCheck() }
    }
}
