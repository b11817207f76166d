import Foundation
import LiveSolveCoordination
import LiveSolveModel
import LiveSolveStore
import LiveSolveWorkerIPC
import Logging
import NIOCore
import NIOPosix

/// Owns models, connections and the worker pool, and drives their state machines: it feeds
/// them events (an update, a worker's answer, a full socket draining) and carries out the
/// actions they return.
///
/// An actor whose executor is the server's only event loop: its state needs no locks, and code
/// already on the loop (channel handlers, scheduled tasks) enters it with `assumeIsolated`.
/// Nothing here may block: solving happens in worker processes, model parsing on a thread pool.
public actor Coordinator {
    nonisolated let loop: any EventLoop
    public nonisolated var unownedExecutor: UnownedSerialExecutor { loop.executor.asUnownedSerialExecutor() }

    let configuration: ServerConfiguration
    let logger: Logger
    let metrics: ServerMetrics
    var models: [String: ModelRecord] = [:]
    var modelsByNumber: [UInt32: ModelRecord] = [:]
    var nextModelNumber: UInt32 = 1
    var connections: [ObjectIdentifier: Connection] = [:]
    /// The connections written to in this loop turn, to be flushed at its end.
    let flushes: PendingFlushes
    /// Set by `startWorkers`: it needs the coordinator to report to.
    var pool: WorkerPool?
    /// The workers behind `broker.url`, when there is one.
    var remote: RemoteWorkers?
    /// Shutdown has begun: waits for solutions end at once (see `goAway`).
    var isGoingAway = false
    /// Subscribers skipped because their sockets were full, checked on a short timer.
    var lagging: [Subscription] = []
    var laggingTimer: Scheduled<Void>?
    /// The timer for the earliest solve deadline (see `armWatchdog`).
    var watchdog: (deadline: NIODeadline, timer: Scheduled<Void>)?
    var nextWaiterNumber = 0
    var nextForkTicket = 0
    /// Numbers for solves of a model's past state, counting down from the top: never a model's.
    var nextPastNumber = UInt32.max
    /// Logs accepted changes to the store; nil with `storage.durability: off`.
    var writer: StoreWriter?
    var durability: Durability = .off

    /// Who may do what; re-read on SIGHUP.
    let authority: Authority
    /// `limits.updatesPerSecond`: a bucket per token or connection.
    var updateLimiter: UpdateLimiter

    init(loop: any EventLoop, configuration: ServerConfiguration, metrics: ServerMetrics, logger: Logger,
         authority: Authority = Authority(tokens: nil, allowedOrigins: [])) {
        self.loop = loop
        self.authority = authority
        self.updateLimiter = UpdateLimiter(rate: configuration.updatesPerSecond, burst: configuration.updatesBurst)
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        self.flushes = PendingFlushes(loop: loop)
    }

    // MARK: models

    /// Parses a model off the loop (it is O(model)), then registers it and starts its first solve.
    /// Returns the model's id.
    func create(_ source: ClientRequest.ModelSource, name: String?, access: Access = .open) async throws(RequestError) -> String {
        try refuseIfReadOnly(model: nil)
        guard models.count < configuration.maxModels else {
            throw RequestError(.overloaded, "the server holds its limit of \(configuration.maxModels) models (limits.models); delete one first")
        }
        let parsed: Result<(Model, String), ModelError>
        let logged = durability != .off
        do {
            parsed = try await NIOThreadPool.singleton.runIfActive {
                do throws(ModelError) {
                    let model = switch source {
                    case .document(let json): try JSONModelReader.read(json)
                    case let .text(text, format): try format.read(text)
                    case let .model(model): model
                    }
                    // The store keeps the canonical document: whatever format it came in.
                    return .success((model, logged ? JSONWriter.string(JSONModelWriter.document(model)) : ""))
                } catch { return .failure(error) }
            }
        } catch {
            throw RequestError(.internal, "model reader unavailable: \(error)")
        }
        var model: Model
        let document: String
        switch parsed {
        case .success(let (m, d)): (model, document) = (m, d)
        case .failure(let e): throw RequestError(e)
        }
        let number = nextModelNumber
        let id = "m\(number)"
        if let name, !name.isEmpty { model.name = name } else if model.name.isEmpty { model.name = id }
        guard access.sees(id: id, name: model.name) else {
            throw RequestError(.forbidden, "name: the token may not create a model named \(JSONWriter.quoted(model.name)); name it as its models allow")
        }
        nextModelNumber += 1
        let record = ModelRecord(id: id, number: number, model: model, history: configuration.history, preempt: configuration.preempt,
                                 strategy: configuration.strategyPolicy)
        models[id] = record
        modelsByNumber[number] = record
        metrics.models.increment()
        if durability != .sync { record.storedSeq = .max }
        perform(record.state.create(at: Self.now()), for: record)
        guard let writer else { return id }
        let create = StoreRecord.create(model: number, name: model.name, document: document)
        guard durability == .sync else {
            writer.log(create)
            return id
        }
        switch await commit(create, to: writer) {
        case .success:
            stored(upTo: 0, for: record)
            return id
        case .failure(let error):
            // Not stored, so not created: the client never learns the id.
            forget(record)
            throw RequestError(.storageError, "the model could not be stored: \(error)")
        }
    }

    func record(_ id: String) throws(RequestError) -> ModelRecord {
        guard let record = models[id] else { throw RequestError(.unknownModel, "model: unknown model \(JSONWriter.quoted(id))", model: id) }
        return record
    }

    /// Validates an update whole, then gives it the next seq, applies it and dispatches.
    /// `message` is the text the store logs: the client's message, or for REST its envelope.
    func update(_ id: String, _ update: JSON, message: String, acknowledge: @escaping (Result<Int, RequestError>) -> Void) throws(RequestError) {
        accept(try resolve(update, of: id), for: try record(id), message: message, acknowledge: acknowledge)
    }

    /// An update checked whole against its model, as a delta.
    func resolve(_ update: JSON, of id: String) throws(RequestError) -> ModelDelta {
        let record = try record(id)
        do { return try UpdateResolver(model: record.model).resolve(update) } catch {
            metrics.rejected(error.code)
            throw RequestError(error, model: id)
        }
    }

    /// `update` for REST: returns the seq once the update counts as accepted (with `sync`, stored).
    /// `limit` is whose update budget it spends.
    func update(_ id: String, _ update: JSON, limit: UpdateLimiter.Key?) async throws(RequestError) -> Int {
        if let limit, let error = updateLimiter.check(limit, at: Self.now(), model: id) { throw error }
        var envelope: [(key: String, value: JSON)] = [("op", .string("update")), ("model", .string(id))]
        if case .object(let fields) = update { envelope += fields }
        let message = JSONWriter.string(.object(envelope))
        let result = await withCheckedContinuation { done in
            do throws(RequestError) {
                try self.update(id, update, message: message) { done.resume(returning: $0) }
            } catch {
                done.resume(returning: .failure(error))
            }
        }
        return try result.get()
    }

    /// Gives a validated delta the next seq, applies it, dispatches its solve, logs it, passes
    /// it on to the forks following the model and acknowledges it: with `sync` once it is
    /// stored. `forwarded`: a parent's update, which a fork takes without making it its own.
    func accept(_ delta: ModelDelta, for record: ModelRecord, message: String, forwarded: Bool = false,
                acknowledge: @escaping (Result<Int, RequestError>) -> Void) {
        do { try refuseIfReadOnly(model: record.id) } catch { return acknowledge(.failure(error)) }
        let undo = durability == .sync ? record.model.reverting(delta) : nil
        let answered = rangingAnswer(to: delta, for: record)
        if usesFastPath(record) { record.fastPath.update(answered: answered != nil) }
        record.model.apply(delta)
        let now = Self.now()
        if answered != nil {
            record.state.acceptAnswered(delta, at: now)
        } else {
            // The solve first: the ack is held for the solution or its flush timer anyway, so
            // framing it while the worker solves takes it off the update-to-solution path.
            perform(record.state.accept(delta, at: now), for: record)
        }
        // After the ack: the solution it announces follows it.
        defer {
            if let answered { installWhenStored(.ranging(seq: record.seq, objectiveChange: answered, accepted: now), for: record) }
        }
        metrics.updatesAccepted.increment()
        let seq = record.seq
        passOn(message, acceptedBy: record, forwarded: forwarded)
        guard let writer else { return acknowledge(.success(seq)) }
        let logged = StoreRecord.update(model: record.number, seq: seq, at: Int64(Date().timeIntervalSince1970 * 1000), message: message)
        defer { countTowardsSnapshot(record) }
        guard durability == .sync else {
            writer.log(logged)
            return acknowledge(.success(seq))
        }
        record.unstored.append((seq, undo!))
        writer.log(logged) { result in
            switch result {
            case .success:
                // The ack first: the solution it announces follows it.
                acknowledge(.success(seq))
                self.stored(upTo: seq, for: record)
            case .failure(let error):
                self.logger.error("cannot store an update", metadata: ["model": "\(record.id)", "seq": "\(seq)", "error": "\(error)"])
                self.rollBack(record)
                acknowledge(.failure(RequestError(.storageError, "the update could not be stored: \(error)", model: record.id)))
            }
        }
    }

    func delete(_ id: String) async throws(RequestError) {
        let record = try record(id)
        try refuseIfReadOnly(model: id)
        if let writer {
            let delete = StoreRecord.delete(model: record.number)
            if durability == .sync {
                // Stored first: a delete that cannot be stored is not applied.
                if case .failure(let error) = await commit(delete, to: writer) { throw RequestError(.storageError, "the delete could not be stored: \(error)", model: id) }
                guard models[id] === record else { return }
            } else {
                writer.log(delete)
            }
        }
        forget(record)
    }

    /// Logs a record and waits for its commit.
    private func commit(_ record: StoreRecord, to writer: StoreWriter) async -> Result<Void, StoreError> {
        await withCheckedContinuation { done in writer.log(record) { done.resume(returning: $0) } }
    }

    /// Removes a model from memory: its worker forgets it, its subscribers and waiters are told.
    private func forget(_ record: ModelRecord) {
        let id = record.id
        models[id] = nil
        modelsByNumber[record.number] = nil
        metrics.models.decrement()
        unlink(record)
        perform(record.state.delete(), for: record)
        let gone = RequestError(.unknownModel, "model \(JSONWriter.quoted(id)) was deleted", model: id)
        for subscription in record.subscribers.values {
            end(subscription, to: id, of: record)
            subscription.connection.send(ServerMessage.error(gone, id: nil))
        }
        for waiter in record.waiters { waiter.continuation.resume(returning: .failure(gone)) }
        record.waiters = []
    }

    /// Waits for a solution with `seq >= minSeq`, up to the configured wait limit.
    func solution(of id: String, minSeq: Int) async throws(RequestError) -> SolutionVersion {
        try await solution(of: try record(id), minSeq: minSeq)
    }

    /// `solution(of:minSeq:)` with all that `fields` asks for: bands computed while nobody asked
    /// are none, and a solution answered by ranging knows no duals; the model is then solved
    /// again (warm) for them.
    func solution(of record: ModelRecord, minSeq: Int, fields: FieldSet) async throws(RequestError) -> SolutionVersion {
        var version = try await solution(of: record, minSeq: minSeq)
        // A solve already under way may not compute them: then the one after it does.
        for _ in 0..<3 where record.needsSolve(for: fields) {
            record.bandsRequested = fields.hasBands
            let next = (record.history.newest?.number ?? 0) + 1
            perform(record.state.solveAgain(at: Self.now()), for: record)
            version = try await solution(of: record, minSeq: minSeq, minNumber: next)
        }
        return version
    }

    /// `solution(of:minSeq:)` for a record in hand, which may be one only `modelsByNumber` knows.
    func solution(of record: ModelRecord, minSeq: Int, minNumber: Int = 0) async throws(RequestError) -> SolutionVersion {
        if let newest = record.history.newest, newest.seq >= minSeq, newest.number >= minNumber, newest.isFinal { return newest }  // installed means stored
        if isGoingAway { throw Self.stopping(record.id, minSeq: minSeq) }
        let limit = configuration.waitLimit
        nextWaiterNumber += 1
        let number = nextWaiterNumber
        let model = record.number
        let result = await withCheckedContinuation { continuation in
            record.waiters.append(SolutionWaiter(number: number, minSeq: minSeq, minNumber: minNumber, continuation: continuation))
            loop.scheduleTask(in: .nanoseconds(Int64(limit * 1e9))) { [weak self] in
                self?.assumeIsolated { $0.expireWaiter(number, of: model, limit: limit) }
            }
        }
        return try result.get()
    }

    /// A waiter's limit passed before its solution came.
    private func expireWaiter(_ number: Int, of model: UInt32, limit: Double) {
        guard let record = modelsByNumber[model], let index = record.waiters.firstIndex(where: { $0.number == number }) else { return }
        let waiter = record.waiters.remove(at: index)
        waiter.continuation.resume(returning: .failure(
            RequestError(.timeout, "no solution with seq >= \(waiter.minSeq) within \(limit) s", model: record.id)))
    }

    /// The model list entry of PROTOCOL.md's REST section.
    func entry(_ record: ModelRecord) -> JSON {
        .object([
            ("model", .string(record.id)), ("name", .string(record.model.name)),
            ("rows", .number(Double(record.model.rowCount))), ("columns", .number(Double(record.model.columnCount))),
            ("integerColumns", .number(Double(record.model.program.integerCount))),
            ("status", .string(record.statusName)), ("seq", .number(Double(record.seq))),
            ("subscribers", .number(Double(record.subscribers.count))),
        ])
    }

    func list(for access: Access = .open) -> JSON {
        .array(models.values.filter { access.sees(id: $0.id, name: $0.model.name) }.sorted { $0.number < $1.number }.map(entry))
    }

    /// One model's entry for `GET /v1/models/{id}`: with what it follows, if it does.
    func entry(of id: String, includeDocument: Bool) throws(RequestError) -> JSON {
        let record = try record(id)
        guard case .object(var members) = entry(record) else { return entry(record) }
        if let parent = record.parent { members += [("parent", .string(parent.id)), ("overrides", record.overrides.json)] }
        if record.model.program.integerCount == 0 { members.append(("strategies", strategies(of: record))) }
        if includeDocument { members.append(("document", JSONModelWriter.document(record.model))) }
        return .object(members)
    }

    /// Per kind of change, the simplex the next warm solve runs and what each has measured.
    private func strategies(of record: ModelRecord) -> JSON {
        .object(StrategyPolicy.ChangeKind.allCases.map { kind in
            let statistics = (record.strategy.kinds[kind]?.statistics ?? [:]).sorted { $0.key.rawValue < $1.key.rawValue }
            return (kind.rawValue, .object([
                ("choice", .string(record.strategy.choice(for: kind).rawValue)),
                ("statistics", .object(statistics.map { algorithm, stats in
                    (algorithm.rawValue, .object([("solves", .number(Double(stats.solves))), ("medianMicros", .number(stats.medianMicros.rounded()))]))
                })),
            ]))
        })
    }

    /// Every model's race wins, by strategy, for `/metrics`.
    func raceWins() -> [(model: String, strategy: String, count: Int)] {
        models.values.sorted { $0.number < $1.number }.flatMap { record in
            record.raceWins.sorted { $0.key.rawValue < $1.key.rawValue }.map { (record.id, $0.key.rawValue, $0.value) }
        }
    }

    var hasLiveWorker: Bool { pool?.hasLiveWorker ?? false }

    /// The process ids of the live workers (tests kill them to prove recovery).
    public func workerPIDs() -> [Int32] { pool?.pids ?? [] }

    static func now() -> Moment { Moment(nanoseconds: NIODeadline.now().uptimeNanoseconds) }
}
