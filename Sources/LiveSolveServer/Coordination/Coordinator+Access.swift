import LiveSolveModel

extension Coordinator {
    /// Refuses a stream request its connection's access does not allow: `unauthorized` with no
    /// valid token, `forbidden` beyond the token's role, `unknown_model` for a model it may not see.
    func authorize(_ request: ClientRequest, for access: Access) throws(RequestError) {
        switch request {
        case .ping, .auth:
            return
        case .create:
            try Authority.require(.write, of: access, for: "create")
        case .update(let model, _):
            try Authority.require(.write, of: access, for: "update", model: model)
            _ = try visibleRecord(model, to: access)
        case .subscribe(let model, _, _), .unsubscribe(let model), .get(let model, _, _):
            try Authority.require(.read, of: access, for: "reading a model", model: model)
            _ = try visibleRecord(model, to: access)
        }
    }

    /// The model, if the access may see it; one it may not is as unknown to it as one that is not there.
    func visibleRecord(_ id: String, to access: Access) throws(RequestError) -> ModelRecord {
        let record = try record(id)
        guard access.sees(id: id, name: record.model.name) else { throw RequestError(.unknownModel, "model: unknown model \(JSONWriter.quoted(id))", model: id) }
        return record
    }

    /// Refuses a model the access may not see (REST checks every path with a model this way).
    func checkVisible(_ id: String, to access: Access) throws(RequestError) {
        _ = try visibleRecord(id, to: access)
    }

    /// `auth` on a stream: the token replaces the connection's; a wrong one leaves it unauthenticated.
    func authenticate(_ connection: Connection, token: String, id: EchoedID?) {
        guard let access = authority.access(token: token) else {
            change(connection, to: .anonymous, because: .unauthorized)
            return connection.send(ServerMessage.error(RequestError(.unauthorized, "token: the token is not valid"), id: id))
        }
        change(connection, to: access, because: .unknownModel)
        connection.send(ServerMessage.reply("authenticated", id: id, extra: [("role", .string(access.role?.name ?? "read"))]))
    }

    /// The tokens file was re-read: every open connection holds what its token now allows. A
    /// connection whose token is gone is unauthenticated; its subscriptions end with `unauthorized`.
    func tokensChanged() {
        for connection in connections.values {
            let access = authority.refreshed(connection.access)
            if access != connection.access { change(connection, to: access, because: access == .anonymous ? .unauthorized : .unknownModel) }
        }
    }

    /// Gives a connection another access, ending each subscription it no longer allows with an
    /// error of `code` naming the model.
    private func change(_ connection: Connection, to access: Access, because code: ErrorCode) {
        connection.access = access
        for (id, subscription) in connection.subscriptions {
            let record = models[id]
            guard access.role == nil || !(record.map { access.sees(id: id, name: $0.model.name) } ?? true) else { continue }
            end(subscription, to: id, of: record)
            let reason = code == .unauthorized ? "the connection's token is no longer valid; the subscription ended" : "model: unknown model \(JSONWriter.quoted(id))"
            connection.send(ServerMessage.error(RequestError(code, reason, model: id), id: nil))
        }
    }
}
