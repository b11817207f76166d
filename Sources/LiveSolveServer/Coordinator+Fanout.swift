import LiveSolveModel
import LiveSolveWorkerIPC
import NIOCore

extension Coordinator {
    /// Installs a worker's answer as the model's newest version and fans it out.
    func install(_ answer: AnswerFrame, for record: ModelRecord) {
        guard let flight = record.inFlight else { return }
        record.inFlight = nil
        record.basis = Basis(statuses: answer.basis.array)
        record.crashes = 0
        let version = SolutionVersion(
            number: (record.history.newest?.number ?? 0) + 1, seq: flight.seq, status: answer.status,
            message: answer.message, objective: answer.objective, iterations: answer.iterations,
            isWarmStart: answer.isWarmStart, algorithm: answer.algorithm, solveMicros: answer.solveMicros,
            updatesMerged: flight.updatesMerged, hasMaps: answer.status.hasSolution, changes: [])
        record.history.install(version, changes: answer.changes)
        publish(record)
        // After the subscribers' writes: the metrics are not what they wait for.
        metrics.solved(micros: answer.solveMicros, since: flight.oldestUpdate, merged: flight.updatesMerged)
        dispatch(record)
    }

    /// Sends the newest version to every subscriber, and answers waiting requests.
    ///
    /// The subscribers are visited in passes of `fanout.chunk` per loop turn, so a model with
    /// thousands of them does not hold up other sockets. A version installed during a pass is
    /// what the rest of that pass sends; another pass then follows for those visited earlier.
    func publish(_ record: ModelRecord) {
        guard let newest = record.history.newest else { return }
        let ready = record.waiters.filter { newest.seq >= $0.minSeq }
        record.waiters.removeAll { newest.seq >= $0.minSeq }
        for waiter in ready { waiter.resume(.success(newest)) }
        if let pass = record.fanout {
            pass.hasNewerVersion = true
        } else {
            startFanout(record)
        }
    }

    private func startFanout(_ record: ModelRecord) {
        record.fanout = FanoutPass(subscribers: record.subscribersInOrder())
        continueFanout(record)
    }

    /// Visits the next chunk of the pass, then yields to the loop until the next chunk.
    func continueFanout(_ record: ModelRecord) {
        guard let pass = record.fanout else { return }
        guard models[record.id] === record, let newest = record.history.newest else {
            record.fanout = nil
            return
        }
        let end = min(pass.subscribers.count, pass.next + configuration.fanoutChunk)
        var delivered = 0
        while pass.next < end {
            let subscription = pass.subscribers[pass.next]
            pass.next += 1
            // Skip one that unsubscribed, subscribed again (a new object) or left since the pass began.
            guard subscription.isActive else { continue }
            if deliver(newest, of: record, to: subscription, pass: pass) { delivered += 1 }
        }
        metrics.deliveries.increment(by: Int64(delivered))
        if pass.next < pass.subscribers.count {
            // A timer, not `execute`: tasks queued now would run in this same turn, before any I/O.
            loop.scheduleTask(in: .microseconds(20)) { [weak self] in
                guard let self else { return }
                self.assumeIsolated { $0.continueFanout(record) }
            }
        } else {
            record.fanout = nil
            if pass.hasNewerVersion { return startFanout(record) }
        }
    }

    /// Brings one subscriber to `newest`: a snapshot when it has none yet; else one delta from
    /// the version it holds, framed once per pass for every subscriber holding that version with
    /// the same fields; nothing while its socket is full (the lagging check catches it up).
    /// Returns whether a shared frame was written.
    private func deliver(_ newest: SolutionVersion, of record: ModelRecord, to subscription: Connection.Subscription,
                         pass: FanoutPass) -> Bool {
        let connection = subscription.connection
        if let after = subscription.snapshotAfterSeq {
            guard newest.seq >= after else { return false }
            subscription.snapshotAfterSeq = nil
            sendSnapshot(record, to: subscription)
            return false
        }
        guard subscription.sentVersion < newest.number, !subscription.isLagging else { return false }
        guard connection.isWritable else {
            subscription.isLagging = true
            lagging.append((connection, record.id))
            scheduleLaggingCheck()
            return false
        }
        guard subscription.hasMaps || !newest.hasMaps else {
            sendSnapshot(record, to: subscription)
            return false
        }
        let key = FanoutPass.FrameKey(from: subscription.sentVersion, to: newest.number, fields: subscription.fields)
        let frame: ByteBuffer
        if let last = pass.lastFrame, last.key == key {
            frame = last.frame
        } else {
            if !pass.frames.isEmpty, let known = pass.frames[key] {
                frame = known
            } else if let delta = deltaFrame(record, from: subscription.sentVersion, fields: subscription.fields) {
                frame = delta
            } else {
                sendSnapshot(record, to: subscription)  // its version has left the history
                return false
            }
            // The last frame is kept apart: a pass with one frame (the usual case) needs no table.
            if let last = pass.lastFrame { pass.frames[last.key] = last.frame }
            pass.lastFrame = (key, frame)
        }
        connection.send(frame: frame)
        subscription.sentVersion = newest.number
        return true
    }

    /// The delta from version `from` to the newest, framed; nil when `from` has left the history.
    private func deltaFrame(_ record: ModelRecord, from: Int, fields: FieldSet) -> ByteBuffer? {
        let newest = record.history.newest!
        if from == newest.number - 1 {
            // From the one before: the changes the newest version recorded.
            let maps = newest.hasMaps ? fields.fields.map { field in
                let vector = record.history.vectors[field.index]
                return (field, newest.changes[field.index].map { ($0.index, vector[$0.index]) })
            } : nil
            return ServerMessage.solution(model: record, version: newest, full: false, id: nil, maps: maps)
        }
        let deltas = fields.fields.map { field in (field, record.history.delta(of: field, since: from)) }
        if deltas.contains(where: { $0.1 == nil }) { return nil }
        let maps = newest.hasMaps || record.history.versions.contains { $0.number > from && $0.hasMaps }
            ? deltas.map { ($0.0, $0.1!) } : nil
        return ServerMessage.solution(model: record, version: newest, full: false, id: nil, maps: maps)
    }

    /// A full solution message with the given fields (maps only when the newest version has a solution).
    func snapshot(_ record: ModelRecord, fields: FieldSet, id: EchoedID?) -> ByteBuffer {
        let newest = record.history.newest!
        let maps = newest.hasMaps ? fields.fields.map { ($0, record.history.full($0)) } : nil
        return ServerMessage.solution(model: record, version: newest, full: true, id: id, maps: maps)
    }

    func sendSnapshot(_ record: ModelRecord, to subscription: Connection.Subscription) {
        guard let newest = record.history.newest else { return }
        subscription.connection.send(frame: snapshot(record, fields: subscription.fields, id: nil))
        subscription.sentVersion = newest.number
        subscription.hasMaps = newest.hasMaps
        metrics.deliveries.increment()
    }

    /// Sends a subscriber whose socket drained one delta from its version to the newest, or a
    /// snapshot when it has no maps yet or its version has left the history.
    func catchUp(_ record: ModelRecord, to subscription: Connection.Subscription) {
        guard let newest = record.history.newest, subscription.sentVersion < newest.number else { return }
        guard subscription.hasMaps, let delta = deltaFrame(record, from: subscription.sentVersion, fields: subscription.fields) else {
            return sendSnapshot(record, to: subscription)
        }
        subscription.connection.send(frame: delta)
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
