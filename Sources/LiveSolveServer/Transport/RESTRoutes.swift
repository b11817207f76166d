import Hummingbird
import LiveSolveModel
import LiveSolveStore
import NIOCore
import NIOPosix

/// The REST endpoints of PROTOCOL.md under `/v1/`, plus `/healthz` and `/metrics`.
struct RESTRoutes {
    let coordinator: Coordinator
    let configuration: ServerConfiguration
    let metrics: ServerMetrics

    let authority: Authority

    /// A route's work, given who asks: authentication, the role and the model's visibility are
    /// checked before it runs.
    typealias Handler = @Sendable (Request, BasicRequestContext, Access) async throws -> Response

    struct Route: Sendable {
        let method: HTTPRequest.Method
        let path: String
        /// The role it needs (PROTOCOL.md's table); nil: open to anyone.
        let role: Role?
        let handler: Handler

        init(method: HTTPRequest.Method, path: String, role: Role?, handler: @escaping Handler) {
            (self.method, self.path, self.role, self.handler) = (method, path, role, handler)
        }
    }

    /// Every REST endpoint, in one table: the router's, and `methods(at:)`'s for 405 answers.
    var routes: [Route] {
        [
            Route(method: .post, path: "/v1/models", role: .write) { request, _, access in try await createModel(request, access: access) },
            Route(method: .get, path: "/v1/models", role: .read) { _, _, access in
                JSONResponse.make(.ok, .object([("models", await coordinator.list(for: access))]))
            },
            Route(method: .get, path: "/v1/models/:id", role: .read) { request, context, _ in
                let id = try context.parameters.require("id")
                let include = request.uri.queryParameters.get("include") == "document"
                return JSONResponse.make(.ok, try await coordinator.entry(of: id, includeDocument: include))
            },
            Route(method: .get, path: "/v1/models/:id/solution", role: .read) { request, context, _ in
                let id = try context.parameters.require("id")
                var seq: Int?
                if let text = request.uri.queryParameters.get("seq") {
                    guard let n = Int(text), n >= 0 else { throw RequestError(.invalidValue, "seq: expected an integer ≥ 0, found \(JSONWriter.quoted(text))", model: id) }
                    seq = n
                }
                let message = try await coordinator.solutionMessage(of: id, at: seq, fields: nil, id: nil)
                return JSONResponse.make(.ok, String(buffer: message))
            },
            Route(method: .get, path: "/v1/models/:id/updates", role: .read) { request, context, _ in
                try await updateLog(request, model: try context.parameters.require("id"))
            },
            Route(method: .post, path: "/v1/models/:id/fork", role: .write) { request, context, access in
                try await fork(request, model: try context.parameters.require("id"), access: access)
            },
            Route(method: .post, path: "/v1/models/:id/updates", role: .write) { request, context, access in
                let id = try context.parameters.require("id")
                let update = try await updateBody(request, model: id)
                // Open, REST clients share one budget: a request does not say which client it is.
                let limit: UpdateLimiter.Key = if case .token(let grant) = access { .token(grant.digest) } else { .openREST }
                let seq = try await coordinator.update(id, update, limit: limit)
                guard request.uri.queryParameters.get("wait") == "true" else {
                    return JSONResponse.make(.ok, .object([("seq", .number(Double(seq)))]))
                }
                return JSONResponse.make(.ok, try await coordinator.fullSolution(of: id, minSeq: seq))
            },
            Route(method: .delete, path: "/v1/models/:id", role: .admin) { _, context, _ in
                try await coordinator.delete(try context.parameters.require("id"))
                return Response(status: .noContent)
            },
            Route(method: .get, path: "/healthz", role: nil) { _, _, _ in
                await coordinator.hasLiveWorker
                    ? JSONResponse.make(.ok, #"{"status":"ok"}"#)
                    : JSONResponse.error(RequestError(.overloaded, "no live worker"), status: .serviceUnavailable)
            },
            Route(method: .get, path: "/metrics", role: configuration.publicMetrics ? nil : .admin) { _, _, _ in
                var text = metrics.render()
                text += ServerMetrics.raceWins(await coordinator.raceWins())
                if let store = await coordinator.store {
                    // Read off the loop, beside the writer's commits.
                    let sizes = try? await NIOThreadPool.singleton.runIfActive { try? store.logSizes() }
                    text += ServerMetrics.logSizes(sizes ?? nil)
                }
                return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(bytes: text)))
            },
        ]
    }

    /// Registers every route behind its checks: a token (401 without a valid one), the route's
    /// role (403), the model's visibility (404, as a model that is not there), and for a change
    /// the page's origin (403).
    func register(_ routes: [Route], on router: Router<BasicRequestContext>) {
        let (authority, coordinator) = (self.authority, self.coordinator)
        for route in routes {
            router.on(RouterPath(route.path), method: route.method) { request, context in
                guard let role = route.role else { return try await route.handler(request, context, .open) }
                if request.method != .get, request.method != .head,
                   !authority.allows(origin: request.headers[.origin], host: request.head.authority) {
                    throw RequestError(.forbidden, "origin \(request.headers[.origin] ?? ""): a page from there may not change state here (http.allowedOrigins)")
                }
                guard let access = authority.access(authorization: request.headers[.authorization]) else {
                    throw Authority.unauthorized(tokenGiven: true)
                }
                let model = context.parameters.get("id")
                try Authority.require(role, of: access, for: "\(route.method.rawValue) \(route.path)", model: model)
                if let model { try await coordinator.checkVisible(model, to: access) }
                return try await route.handler(request, context, access)
            }
        }
    }

    /// The methods the routes answer at `path` (empty when no route has that shape), for a 405
    /// and its `Allow` header: Hummingbird's router answers 404 for a known path with another method.
    static func methods(at path: String, in routes: [Route]) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        return routes.filter { route in
            let pattern = route.path.split(separator: "/")
            return pattern.count == segments.count && zip(pattern, segments).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
        }.map(\.method)
    }

    /// The media type without parameters (`text/x-lp; charset=utf-8` → `text/x-lp`); JSON when absent.
    func format(of request: Request) throws(RequestError) -> ModelFormat {
        guard let header = request.headers[.contentType] else { return .json }
        let type = header.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch type {
        // curl -d sends application/x-www-form-urlencoded; read such a body as the JSON it is.
        case "application/json", "application/x-www-form-urlencoded", "": return .json
        case "text/x-lp": return .lp
        case "text/x-mps": return .mps
        default:
            var error = RequestError(.badMessage, "unsupported Content-Type \(JSONWriter.quoted(header)); use application/json, text/x-lp or text/x-mps")
            error.httpStatus = 415
            throw error
        }
    }

    func body(_ request: Request, limit: Int) async throws -> String {
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: limit) } catch {
            throw RequestError(.tooLarge, "request body exceeds \(limit) bytes")
        }
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
            throw RequestError(.badMessage, "the body is not UTF-8")
        }
        return text
    }

    func createModel(_ request: Request, access: Access) async throws -> Response {
        let format = try self.format(of: request)
        let text = try await body(request, limit: configuration.maxModelBytes)
        let source: ClientRequest.ModelSource
        if format == .json {
            let json: JSON
            do { json = try JSONParser.parse(text) } catch {
                throw RequestError(.invalidModel, "line \(error.line), column \(error.column): \(error.reason)")
            }
            source = .document(json)
        } else {
            source = .text(text, format)
        }
        let model = try await coordinator.create(source, name: request.uri.queryParameters.get("name"), access: access)
        return JSONResponse.make(.created, .object([("model", .string(model))]))
    }

    /// `POST /v1/models/{id}/fork` with `{"seq": N, "name": …, "follow": …}`: a new model
    /// from the state at N, which with `follow` goes on taking its parent's updates.
    func fork(_ request: Request, model id: String, access: Access) async throws -> Response {
        let text = try await body(request, limit: configuration.maxMessageBytes)
        var seq: Int?, name: String?, follow = false
        if !text.allSatisfy(\.isWhitespace) {
            let json: JSON
            do { json = try JSONParser.parse(text) } catch { throw RequestError(.badMessage, "not JSON: \(error)", model: id) }
            guard case .object(let members) = json else { throw RequestError(.badMessage, "a fork body must be a JSON object, found \(json.typeName)", model: id) }
            for (key, value) in members {
                switch (key, value) {
                case ("seq", _): seq = try ClientRequestParser.seq(value, model: id)
                case ("name", .string(let s)): name = s
                case ("name", _): throw RequestError(.badMessage, "name: expected a string, found \(value.typeName)", model: id)
                case ("follow", .bool(let b)): follow = b
                case ("follow", _): throw RequestError(.badMessage, "follow: expected true or false, found \(value.typeName)", model: id)
                default: throw RequestError(.badMessage, "\(key): a fork takes seq, name and follow only", model: id)
                }
            }
        }
        let created = try await coordinator.fork(id, at: seq, name: name, follow: follow, access: access)
        return JSONResponse.make(.created, .object([("model", .string(created))]))
    }

    /// `GET /v1/models/{id}/updates?from=N[&to=M]`: the logged updates as NDJSON, read off the loop.
    func updateLog(_ request: Request, model id: String) async throws -> Response {
        let (store, number, newest) = try await coordinator.log(of: id)
        func seq(_ name: String, default value: Int) throws(RequestError) -> Int {
            guard let text = request.uri.queryParameters.get(name) else { return value }
            guard let n = Int(text), n >= 0, n <= newest else {
                throw RequestError(.invalidValue, "\(name): expected an integer from 0 to the model's newest seq \(newest), found \(JSONWriter.quoted(text))", model: id)
            }
            return n
        }
        let from = try seq("from", default: 0), to = try seq("to", default: newest)
        guard from <= to else { throw RequestError(.invalidValue, "from: \(from) is above to: \(to)", model: id) }
        guard let store else {
            throw RequestError(.invalidValue, "no update is logged: the server runs with storage.durability off", model: id)
        }
        let read = try await NIOThreadPool.singleton.runIfActive { () -> Result<String, RequestError> in
            do throws(StoreError) {
                let oldest = try store.oldestAvailableSeq(of: number)
                if from < oldest {
                    return .failure(RequestError(.invalidValue, "from: \(from) is older than the retained log; the oldest update still logged is seq \(oldest + 1)", model: id))
                }
                var out = ""
                for (seq, at, message) in try store.updates(of: number, in: max(from, 1)...max(to, 1)) where seq <= to {
                    var fields: [(key: String, value: JSON)] = []
                    if case .object(let members)? = try? JSONParser.parse(message) {
                        fields = members.filter { $0.key != "op" && $0.key != "id" && $0.key != "model" }
                    }
                    out += JSONWriter.string(.object([("seq", .number(Double(seq))), ("at", .number(Double(at))), ("update", .object(fields))]))
                    out += "\n"
                }
                return .success(out)
            } catch {
                return .failure(RequestError(.storageError, "\(error)", model: id))
            }
        }
        let text = try read.get()
        return Response(status: .ok, headers: [.contentType: "application/x-ndjson"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// An update body, checked by the same envelope rules as a WebSocket `update`.
    func updateBody(_ request: Request, model: String) async throws -> JSON {
        let format = try self.format(of: request)
        guard format == .json else {
            var error = RequestError(.badMessage, "an update is JSON, not \(format.rawValue)", model: model)
            error.httpStatus = 415
            throw error
        }
        let text = try await body(request, limit: configuration.maxMessageBytes)
        let json: JSON
        do { json = try JSONParser.parse(text) } catch { throw RequestError(.badMessage, "not JSON: \(error)", model: model) }
        guard case .object(let members) = json else { throw RequestError(.badMessage, "an update must be a JSON object, found \(json.typeName)", model: model) }
        // A whole WebSocket `update` message pasted as the body is fine; one that says otherwise is not.
        if let op = json["op"], op != .string("update") {
            throw RequestError(.badMessage, "op: this path takes an update, found \(JSONWriter.string(op))", model: model)
        }
        if let named = json["model"], named != .string(model) {
            throw RequestError(.badMessage, "model: the body names \(JSONWriter.string(named)), the path \(JSONWriter.quoted(model))", model: model)
        }
        let envelope = JSON.object([("op", .string("update")), ("model", .string(model))] + members.filter { $0.key != "op" && $0.key != "model" })
        var echo = RequestEcho()
        guard case .update(_, let update) = try ClientRequestParser.parse(JSONWriter.string(envelope), context: &echo) else {
            throw RequestError(.badMessage, "not an update", model: model)
        }
        return update
    }
}

extension Coordinator {
    /// The newest full solution with every field, as a JSON value for REST: the stability
    /// bands only while the model keeps them (a subscriber or a `get` asked), since a REST
    /// read solving again for them would make every poll a solve.
    func fullSolution(of id: String, minSeq: Int) async throws(RequestError) -> String {
        let record = try record(id)
        let version = try await solution(of: record, minSeq: minSeq, fields: .maps)
        return String(buffer: answer(record, waitedFor: version, fields: record.history.heldFields, id: nil))
    }
}
