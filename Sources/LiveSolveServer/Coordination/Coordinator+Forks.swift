import LiveSolveModel
import LiveSolveStore

extension Coordinator {
    /// `POST /v1/models/{id}/fork`: a new model from the state at `seq` (default the newest).
    /// With `follow`, it then takes each update its parent accepts from the moment of the
    /// request on, except for the entries it sets itself.
    func fork(_ id: String, at seq: Int?, name: String?, follow: Bool, access: Access) async throws(RequestError) -> String {
        let parent = try record(id)
        let past = try past(of: id, at: seq)
        var ticket: Int?
        if follow {
            nextForkTicket += 1
            ticket = nextForkTicket
            parent.forksUnderWay[nextForkTicket] = []
        }
        defer { if let ticket { parent.forksUnderWay[ticket] = nil } }
        var model = try await past.rebuilt(id: id)
        model.name = name ?? "\(model.name) at seq \(past.seq)"
        let created = try await create(.model(model), name: model.name, access: access)
        // A parent deleted meanwhile has nothing more to pass on.
        guard let ticket, let fork = models[created], models[id] === parent else { return created }
        let missed = parent.forksUnderWay[ticket] ?? []
        fork.parent = parent
        parent.followers.append(fork)
        logFollowing(fork)
        for message in missed { forward(Self.updateFields(of: message), to: fork) }
        return created
    }

    /// After `record` accepted an update: a fork's own entries become overrides, and the
    /// update goes on to the forks following it.
    func passOn(_ message: String, acceptedBy record: ModelRecord, forwarded: Bool) {
        guard record.parent != nil && !forwarded || !record.followers.isEmpty || !record.forksUnderWay.isEmpty else { return }
        let fields = Self.updateFields(of: message)
        if record.parent != nil, !forwarded, record.overrides.record(fields) { logFollowing(record) }
        for ticket in record.forksUnderWay.keys { record.forksUnderWay[ticket]?.append(message) }
        for fork in record.followers { forward(fields, to: fork) }
    }

    /// A parent's update, less the fork's overrides, accepted by the fork as its next seq.
    /// One that no longer fits the fork (its own bounds now cross) is not applied there.
    private func forward(_ fields: [(key: String, value: JSON)], to fork: ModelRecord) {
        guard let kept = fork.overrides.filter(fields) else { return }
        let update = JSON.object(kept)
        let delta: ModelDelta
        do { delta = try UpdateResolver(model: fork.model).resolve(update) } catch {
            logger.warning("a parent's update does not apply to its fork", metadata: [
                "model": "\(fork.id)", "parent": "\(fork.parent?.id ?? "")", "error": "\(error)",
            ])
            return
        }
        let message = JSONWriter.string(.object([("op", .string("update")), ("model", .string(fork.id))] + kept))
        accept(delta, for: fork, message: message, forwarded: true) { [logger] result in
            if case .failure(let error) = result {
                logger.warning("a parent's update was not taken by its fork", metadata: ["model": "\(fork.id)", "error": "\(error.message)"])
            }
        }
    }

    /// Deleting a model ends its forks' following; deleting a fork ends its own.
    func unlink(_ record: ModelRecord) {
        for fork in record.followers {
            fork.parent = nil
            writer?.log(.following(model: fork.number, parent: nil, overrides: JSONWriter.string(fork.overrides.json)))
        }
        record.followers = []
        record.parent?.followers.removeAll { $0 === record }
        record.parent = nil
    }

    /// Links the forks brought back from the store to their parents, when those still exist.
    func relink(_ restored: [RestoredModel]) {
        for model in restored {
            guard let number = model.parent, let fork = modelsByNumber[model.number], let parent = modelsByNumber[number] else { continue }
            fork.parent = parent
            fork.overrides = model.overrides
            parent.followers.append(fork)
        }
    }

    private func logFollowing(_ fork: ModelRecord) {
        guard let following = fork.following else { return }
        writer?.log(.following(model: fork.number, parent: following.parent, overrides: following.overrides))
    }

    /// The update fields of an update message (already checked whole).
    private static func updateFields(of message: String) -> [(key: String, value: JSON)] {
        guard case .object(let members)? = try? JSONParser.parse(message) else { return [] }
        return members.filter { UpdateResolver.isField($0.key) }
    }
}
