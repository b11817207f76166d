import LiveSolveCoordination
import LiveSolveModel
import NIOCore

extension Coordinator {
    /// Sends the newest version to every subscriber, and answers waiting requests.
    ///
    /// The subscribers are visited in passes of `fanout.chunk` per loop turn, so a model with
    /// thousands of them does not hold up other sockets. A version installed during a pass is
    /// what the rest of that pass sends; another pass then follows for those visited earlier.
    func publish(_ record: ModelRecord) {
        guard let newest = record.history.newest else { return }
        func answers(_ waiter: SolutionWaiter) -> Bool { newest.seq >= waiter.minSeq && newest.number >= waiter.minNumber }
        let ready = newest.isFinal ? record.waiters.filter(answers) : []
        if !ready.isEmpty { record.waiters.removeAll(where: answers) }
        for waiter in ready { waiter.continuation.resume(returning: .success(newest)) }
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
        guard models[record.id] === record, let newest = record.newest else {
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
            let delivery = subscription.state.offer(newest, writable: subscription.connection.isWritable)
            if deliver(delivery, of: record, to: subscription, pass: pass) { delivered += 1 }
        }
        metrics.deliveries.increment(by: Int64(delivered))
        if pass.next < pass.subscribers.count {
            // A timer, not `execute`: tasks queued now would run in this same turn, before any I/O.
            let id = record.id
            loop.scheduleTask(in: .microseconds(20)) { [weak self] in
                self?.assumeIsolated { coordinator in coordinator.models[id].map(coordinator.continueFanout) }
            }
        } else {
            record.fanout = nil
            if pass.hasNewerVersion { return startFanout(record) }
        }
    }

    /// Carries out what a subscriber's state machine decided. A delta is encoded once per pass
    /// for every subscriber at the same version with the same fields. Returns whether a shared
    /// message was written (snapshots count themselves).
    @discardableResult
    func deliver(_ delivery: SubscriberState.Delivery, of record: ModelRecord, to subscription: Subscription,
                 pass: FanoutPass? = nil) -> Bool {
        switch delivery {
        case .nothing:
            return false
        case .snapshot:
            sendSnapshot(record, to: subscription)
            return false
        case .watchDrain:
            lagging.append(subscription)
            scheduleLaggingCheck()
            return false
        case .delta(let from):
            guard let newest = record.history.newest else { return false }
            if subscription.deadband > 0 {
                // Measured against what this subscriber was sent: its own message.
                subscription.connection.send(message: deadbandDelta(record, from: from, to: subscription))
                if pass == nil { metrics.deliveries.increment() }
                return true
            }
            let key = FanoutPass.MessageKey(from: from, to: newest.number, fields: subscription.fields)
            let message: ByteBuffer
            if let last = pass?.lastMessage, last.key == key {
                message = last.message
            } else if let pass, !pass.messages.isEmpty, let known = pass.messages[key] {
                message = known
            } else {
                message = deltaMessage(record, from: from, fields: subscription.fields)
                // The last message is kept apart: a pass with one message (the usual case) needs no table.
                if let pass {
                    if let last = pass.lastMessage { pass.messages[last.key] = last.message }
                    pass.lastMessage = (key, message)
                }
            }
            subscription.connection.send(message: message)
            if pass == nil { metrics.deliveries.increment() }
            return true
        }
    }

    /// The delta from version `from` to the newest; the subscriber's state machine has checked
    /// that `from` is still in the history.
    private func deltaMessage(_ record: ModelRecord, from: Int, fields: FieldSet) -> ByteBuffer {
        let newest = record.history.newest!
        if from == newest.number - 1 {
            // From the one before: the changes the newest version recorded.
            let maps = newest.hasMaps ? fields.fields.map { ($0, record.history.newestChanges(of: $0)) } : nil
            return ServerMessage.solution(model: record, version: newest, full: false, id: nil, maps: maps)
        }
        let deltas = fields.fields.map { field in (field, record.history.delta(of: field, since: from) ?? .scalars([])) }
        let maps = newest.hasMaps || record.history.versions.contains { $0.number > from && $0.hasMaps } ? deltas : nil
        return ServerMessage.solution(model: record, version: newest, full: false, id: nil, maps: maps)
    }

    /// The delta from version `from` for a subscriber with a deadband: of the entries that
    /// changed since, those that moved past its deadband from what it was last sent.
    private func deadbandDelta(_ record: ModelRecord, from: Int, to subscription: Subscription) -> ByteBuffer {
        let newest = record.history.newest!
        let hasMaps = newest.hasMaps || record.history.versions.contains { $0.number > from && $0.hasMaps }
        let maps = hasMaps ? subscription.fields.fields.map { field in
            (field, subscription.passDeadband(record.history.delta(of: field, since: from) ?? .scalars([]), of: field))
        } : nil
        return ServerMessage.solution(model: record, version: newest, full: false, id: nil, maps: maps)
    }

    /// A full solution message with the given fields (maps only when the newest version has a solution).
    func snapshot(_ record: ModelRecord, fields: FieldSet, id: EchoedID?) -> ByteBuffer {
        let newest = record.history.newest!
        let maps = newest.hasMaps ? fields.fields.map { ($0, record.history.full($0)) } : nil
        return ServerMessage.solution(model: record, version: newest, full: true, id: id, maps: maps)
    }

    /// The answer to a wait (`get`, `GET …/solution`, `?wait=true`) that `version` ended: the
    /// newest version when it is final too, else `version` itself, since an integer model's
    /// next solve may already have sent an incumbent, and a wait answers with a final solution.
    func answer(_ record: ModelRecord, waitedFor version: SolutionVersion, fields: FieldSet, id: EchoedID?) -> ByteBuffer {
        guard let newest = record.history.newest, !newest.isFinal, newest.number != version.number else {
            return snapshot(record, fields: fields, id: id)
        }
        var maps: [(SolutionField, FieldEntries)]?
        if version.hasMaps {
            maps = []
            for field in fields.fields {
                guard let entries = record.history.full(field, at: version.number) else { return snapshot(record, fields: fields, id: id) }
                maps!.append((field, entries))
            }
        }
        return ServerMessage.solution(model: record, version: version, full: true, id: id, maps: maps)
    }

    private func sendSnapshot(_ record: ModelRecord, to subscription: Subscription) {
        guard let newest = record.history.newest else { return }
        subscription.connection.send(message: snapshot(record, fields: subscription.fields, id: nil))
        // A snapshot is exact: what a deadband is measured from.
        if subscription.deadband > 0, newest.hasMaps { subscription.sent = record.history.vectors }
        metrics.deliveries.increment()
    }

    /// Checks lagging subscribers every few milliseconds while there are any.
    func scheduleLaggingCheck() {
        guard laggingTimer == nil else { return }
        laggingTimer = loop.scheduleTask(in: .milliseconds(5)) { [weak self] in
            self?.assumeIsolated { $0.checkLagging() }
        }
    }

    func checkLagging() {
        laggingTimer = nil
        var still: [Subscription] = []
        for subscription in lagging {
            guard subscription.isActive, subscription.connection.isOpen, let record = models[subscription.model] else { continue }
            guard subscription.connection.isWritable else { still.append(subscription); continue }
            deliver(subscription.state.drained(record.newest), of: record, to: subscription)
        }
        lagging = still
        if !lagging.isEmpty { scheduleLaggingCheck() }
    }
}
