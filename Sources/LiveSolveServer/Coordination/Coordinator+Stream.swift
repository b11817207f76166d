import LiveSolveCoordination
import LiveSolveModel
import NIOCore

extension Coordinator {
    /// A WebSocket connection was upgraded: its handler writes through the `Connection` made here.
    func connect(context: ChannelHandlerContext, handler: ConnectionHandler, access: Access) -> Connection {
        let connection = Connection(context: context, handler: handler, flushes: flushes, access: access)
        connections[ObjectIdentifier(connection)] = connection
        metrics.connections.increment()
        return connection
    }

    /// The server is stopping: closes every WebSocket with 1001 (going away), and answers every
    /// request still waiting for a solution (`?wait=true`, `GET …/solution`) at once, so the HTTP
    /// server's graceful stop does not wait out their wait limits.
    func goAway() {
        isGoingAway = true
        for connection in connections.values { connection.close(code: .goingAway) }
        for record in models.values {
            for waiter in record.waiters { waiter.continuation.resume(returning: .failure(Self.stopping(record.id, minSeq: waiter.minSeq))) }
            record.waiters = []
        }
    }

    /// A wait that shutdown cut short: 503, and what was not waited for.
    static func stopping(_ id: String, minSeq: Int) -> RequestError {
        RequestError(.overloaded, "the server is shutting down; no solution with seq >= \(minSeq) will be waited for", model: id)
    }

    func disconnect(_ connection: Connection) {
        guard connections.removeValue(forKey: ObjectIdentifier(connection)) != nil else { return }
        updateLimiter.forget(.connection(ObjectIdentifier(connection)))
        metrics.connections.decrement()
        for (id, subscription) in connection.subscriptions { end(subscription, to: id, of: models[id]) }
    }

    /// Ends a subscription on both sides, the connection's table and the model's list; a fan-out
    /// pass under way skips it from now on. `record` is nil when the model is already gone.
    func end(_ subscription: Subscription, to id: String, of record: ModelRecord?) {
        subscription.isActive = false
        subscription.connection.subscriptions[id] = nil
        record?.remove(subscription)
        metrics.subscribers.decrement()
    }

    /// Handles a message at once when it can: every op but `create` (a model to parse off the
    /// loop) and `get` (which may wait for a solution). Those are returned, to be finished in
    /// order before the connection's next message.
    func start(_ text: String, from connection: Connection) -> DeferredRequest? {
        // The fast path for an update its connection may make; anything else is checked in full.
        if let quick = QuickUpdateReader.read(text), let record = models[quick.model],
           connection.access == .open || connection.access.permits(.write, id: quick.model, name: record.model.name),
           let delta = quick.delta(columns: record.model.columns, bindings: record.model.parameters.bindings) {
            let echo = RequestEcho(id: quick.id, model: quick.model)
            if updateLimiter.isOn, let error = updateLimiter.check(limitKey(of: connection), at: Self.now(), model: quick.model) {
                connection.send(ServerMessage.error(error, id: quick.id))
                return nil
            }
            let slot = connection.reserveReply()
            accept(delta, for: record, message: text) { [self] result in acknowledge(result, echo: echo, in: slot, on: connection) }
            return nil
        }
        var context = RequestEcho()
        do throws(RequestError) {
            let request = try ClientRequestParser.parse(text, context: &context)
            try authorize(request, for: connection.access)
            switch request {
            case .auth(let token):
                authenticate(connection, token: token, id: context.id)
            case let .create(source, name):
                return .create(source, name: name, context: context)
            case let .get(model, fields, seq):
                return .get(model: model, fields: fields, seq: seq, context: context)
            case .ping:
                connection.send(ServerMessage.reply("pong", id: context.id))
            case let .update(model, update):
                let echo = context
                // Reserved once the update is valid: an invalid one is answered at once, in order.
                let delta = try resolve(update, of: model)
                if updateLimiter.isOn, let error = updateLimiter.check(limitKey(of: connection), at: Self.now(), model: model) { throw error }
                let slot = connection.reserveReply()
                accept(delta, for: try record(model), message: text) { [self] result in acknowledge(result, echo: echo, in: slot, on: connection) }
            case let .subscribe(model, fields, deadband):
                try subscribe(connection, to: model, fields: fields, deadband: deadband, id: context.id)
            case let .unsubscribe(model):
                let record = try record(model)
                if let subscription = connection.subscriptions[model] { end(subscription, to: model, of: record) }
                connection.send(ServerMessage.reply("unsubscribed", id: context.id, model: model))
            }
        } catch {
            reply(error, context: context, to: connection)
        }
        return nil
    }

    /// Finishes a deferred request in a task of its own on the loop, then lets the connection's
    /// next messages through.
    func finishLater(_ deferred: DeferredRequest, from connection: Connection) {
        Task {
            await finish(deferred, from: connection)
            connection.deferredFinished()
        }
    }

    private func finish(_ deferred: DeferredRequest, from connection: Connection) async {
        switch deferred {
        case let .create(source, name, context):
            do {
                let model = try await create(source, name: name, access: connection.access)
                connection.send(ServerMessage.reply("created", id: context.id, model: model))
            } catch {
                reply(error, context: context, to: connection)
            }
        case let .get(model, fields, seq, context):
            do {
                connection.send(message: try await solutionMessage(of: model, at: seq, fields: fields, id: context.id))
            } catch {
                reply(error, context: context, to: connection)
            }
        }
    }

    /// An update's ack, or the error that it could not be stored, in the place reserved for it.
    private func acknowledge(_ result: Result<Int, RequestError>, echo: RequestEcho, in slot: Int, on connection: Connection) {
        switch result {
        case .success(let seq):
            connection.fill(slot, ack: ServerMessage.ack(id: echo.id, model: echo.model ?? "", seq: seq))
        case .failure(var error):
            if error.model == nil { error.model = echo.model }
            connection.fill(slot, message: ServerMessage.error(error, id: echo.id))
        }
    }

    private func reply(_ error: RequestError, context: RequestEcho, to connection: Connection) {
        var error = error
        if error.model == nil { error.model = context.model }
        if error.code == .badMessage || error.code == .unknownOp { metrics.rejected(error.code) }
        connection.send(ServerMessage.error(error, id: context.id))
    }

    /// A complete message refused before it was read as a request (binary, too large).
    func reject(_ error: RequestError, id: EchoedID?, from connection: Connection) {
        metrics.rejected(error.code)
        connection.send(ServerMessage.error(error, id: id))
    }

    /// Whose update budget a stream update spends: its token's, or its connection's when open.
    private func limitKey(of connection: Connection) -> UpdateLimiter.Key {
        if case .token(let grant) = connection.access { .token(grant.digest) } else { .connection(ObjectIdentifier(connection)) }
    }

    /// Subscribing again replaces the subscription: new fields, a new snapshot.
    private func subscribe(_ connection: Connection, to model: String, fields: FieldSet, deadband: Double, id: EchoedID?) throws(RequestError) {
        let record = try record(model)
        guard connection.subscriptions[model] != nil || connection.subscriptions.count < configuration.subscriptionsPerConnection else {
            throw RequestError(.overloaded, "this connection holds its limit of \(configuration.subscriptionsPerConnection) subscriptions (limits.subscriptionsPerConnection); unsubscribe from one first", model: model)
        }
        if let replaced = connection.subscriptions[model] { replaced.isActive = false } else { metrics.subscribers.increment() }
        // Never a stale snapshot: it must include every update accepted so far. Nor one without
        // what was asked for (bands computed while nobody asked are none, and a solution answered
        // by ranging knows no duals): that one waits for the solve that fills it in, at the same seq.
        let needsSolve = record.needsSolve(for: fields)
        let (state, delivery) = SubscriberState.subscribe(newest: needsSolve ? nil : record.newest, modelSeq: record.seq,
                                                          modelSettled: record.state.isSettled)
        let subscription = Subscription(connection: connection, model: model, fields: fields, deadband: deadband, state: state)
        record.add(subscription)
        connection.subscriptions[model] = subscription
        connection.send(ServerMessage.reply("subscribed", id: id, model: model))
        deliver(delivery, of: record, to: subscription)
        if needsSolve {
            record.bandsRequested = fields.hasBands
            perform(record.state.solveAgain(at: Self.now()), for: record)
        }
    }
}
