import LiveSolveClient
import LiveSolveModel
import Testing
import TestSupport

@Suite(.serialized) struct RESTTests {
    @Test func modelsCanBeCreatedListedReadSolvedUpdatedAndDeleted() async throws {
        let server = try await TestServer.start()
        let (created, body) = try await server.json("POST", "/v1/models", body: refineryDocument)
        #expect(created == 201)
        let id = try #require(body["model"]?.string)

        let (status, solution) = try await server.json("GET", "/v1/models/\(id)/solution")
        #expect(status == 200)
        #expect(solution["objective"]?.number == refineryObjective)
        for field in ["values", "duals", "reducedCosts", "rowActivities"] { #expect(solution[field] != nil) }

        let (_, list) = try await server.json("GET", "/v1/models")
        #expect(list == .object([("models", .array([.object([
            ("model", .string(id)), ("name", .string("refinery")), ("rows", .number(6)), ("columns", .number(7)),
            ("integerColumns", .number(0)), ("status", .string("optimal")), ("seq", .number(0)), ("subscribers", .number(0)),
        ])]))]))

        let (_, withDocument) = try await server.json("GET", "/v1/models/\(id)?include=document")
        let document = try #require(withDocument["document"])
        #expect(try JSONModelReader.read(document) == (try JSONModelReader.read(refineryDocument)))

        let (updated, ack) = try await server.json("POST", "/v1/models/\(id)/updates", body: #"{"parameters":{"price[gasoline]":2.5}}"#)
        #expect(updated == 200)
        #expect(ack == .object([("seq", .number(1))]))
        let (_, waited) = try await server.json("POST", "/v1/models/\(id)/updates?wait=true", body: #"{"parameters":{"price[diesel]":2.0}}"#)
        #expect(waited["seq"] == .number(2))
        #expect(waited["full"] == .bool(true))
        // A whole WebSocket update as the body is accepted; one naming another model or op is refused.
        let (pasted, pastedAck) = try await server.json("POST", "/v1/models/\(id)/updates", body: #"{"op":"update","model":"\#(id)","parameters":{"price[diesel]":2.1}}"#)
        #expect(pasted == 200)
        #expect(pastedAck == .object([("seq", .number(3))]))
        for body in [#"{"model":"m9","parameters":{"price[diesel]":3}}"#, #"{"op":"ping","parameters":{"price[diesel]":3}}"#] {
            let (refused, error) = try await server.json("POST", "/v1/models/\(id)/updates", body: body)
            #expect(refused == 400)
            #expect(error["code"] == .string("bad_message"), "\(error)")
        }
        #expect(try await server.json("GET", "/v1/models/\(id)").1["seq"] == .number(3))

        // Deleting tells subscribers which model went.
        let watcher = try await server.connect()
        _ = await watcher.request(#"{"op":"subscribe","model":"\#(id)"}"#)
        _ = await watcher.next()
        let (deleted, _) = try await server.http("DELETE", "/v1/models/\(id)")
        #expect(deleted == 204)
        let gone = try #require(await watcher.next())
        #expect(gone["type"] == .string("error"))
        #expect(gone["code"] == .string("unknown_model"))
        #expect(gone["model"] == .string(id))
        let (missing, error) = try await server.json("GET", "/v1/models/\(id)")
        #expect(missing == 404)
        #expect(error["code"] == .string("unknown_model"))
        watcher.close()
        await server.stop()
    }

    @Test func lpAndMPSBodiesAndTheirErrors() async throws {
        let server = try await TestServer.start(workers: 1)
        let (lpStatus, lp) = try await server.http("POST", "/v1/models?name=tiny", body: "max\n obj: 3 x + 2 y\nst\n cap: x + y <= 4\nbounds\n x <= 3\nend\n", contentType: "text/x-lp; charset=utf-8")
        #expect(lpStatus == 201)
        let lpID = try #require((try JSONParser.parse(lp))["model"]?.string)
        let (_, entry) = try await server.json("GET", "/v1/models/\(lpID)")
        #expect(entry["name"] == .string("tiny"))
        let (_, solution) = try await server.json("GET", "/v1/models/\(lpID)/solution")
        #expect(solution["objective"] == .number(11))

        let (mpsStatus, _) = try await server.http("POST", "/v1/models", body: try TestData.benchmarkText("data/netlib/afiro.mps.gz"), contentType: "text/x-mps")
        #expect(mpsStatus == 201)

        let (bad, badBody) = try await server.http("POST", "/v1/models", body: "min\n obj: x\nst\n c1: x y >= 1\nend\n", contentType: "text/x-lp")
        #expect(bad == 400)
        #expect((try JSONParser.parse(badBody))["message"] == .string("line 4, column 8: expected '+' or '-' between terms"))
        let (unsupported, _) = try await server.http("POST", "/v1/models", body: "x", contentType: "application/xml")
        #expect(unsupported == 415)
        let (badUpdate, updateError) = try await server.json("POST", "/v1/models/\(lpID)/updates", body: #"{"objective":{"z":1}}"#)
        #expect(badUpdate == 400)
        #expect(updateError["code"] == .string("unknown_variable"))
        let (unknownPath, _) = try await server.http("GET", "/v1/nothing-here")
        #expect(unknownPath == 404)
        await server.stop()
    }

    @Test func healthAndMetrics() async throws {
        let server = try await TestServer.start(workers: 1)
        #expect(try await server.http("GET", "/healthz").0 == 200)
        _ = try await server.json("POST", "/v1/models", body: refineryDocument)
        _ = try await server.json("GET", "/v1/models/m1/solution")
        let (status, metrics) = try await server.http("GET", "/metrics")
        #expect(status == 200)
        for name in ["livesolve_connections", "livesolve_subscribers", "livesolve_models 1", "livesolve_updates_accepted_total",
                     "livesolve_requests_rejected_total{code=\"unknown_variable\"}", "livesolve_solves_total 1",
                     "livesolve_solve_seconds_bucket", "livesolve_update_to_publish_seconds_bucket",
                     "livesolve_updates_merged_total", "livesolve_worker_restarts_total"] {
            #expect(metrics.contains(name), "missing \(name)")
        }
        let (page, html) = try await server.http("GET", "/")
        #expect(page == 200)
        #expect(html.contains("<title>LiveSolve"))
        await server.stop()
    }

    /// A known path asked with another method is 405 with `Allow`, not 404; the stream's path
    /// asked over plain HTTP says to use a WebSocket (426); HEAD works wherever GET does.
    @Test func wrongMethodsAndPlainHTTPToTheStreamAreExplained() async throws {
        let server = try await TestServer.start(workers: 1)
        _ = try await server.json("POST", "/v1/models", body: refineryDocument)
        for (method, path, allow) in [("PATCH", "/v1/models", "GET, HEAD, POST"), ("PUT", "/v1/models/m1", "GET, HEAD, DELETE"),
                                      ("POST", "/v1/models/m1/solution", "GET, HEAD"), ("PUT", "/v1/models/m1/updates", "GET, HEAD, POST"),
                                      ("GET", "/v1/models/m1/fork", "POST"),
                                      ("DELETE", "/healthz", "GET, HEAD"), ("POST", "/v1/stream", "GET")] {
            let (response, text) = try await server.httpResponse(method, path)
            #expect(response.statusCode == 405, "\(method) \(path)")
            #expect(Set((response.value(forHTTPHeaderField: "Allow") ?? "").components(separatedBy: ", ")) == Set(allow.components(separatedBy: ", ")))
            let error = try JSONParser.parse(text)
            #expect(error["code"] == .string("bad_message"))
            #expect(error["message"]?.string?.contains(method) == true)
        }
        let (stream, text) = try await server.httpResponse("GET", "/v1/stream")
        #expect(stream.statusCode == 426)
        #expect(stream.value(forHTTPHeaderField: "Upgrade") == "websocket")
        #expect(try JSONParser.parse(text)["message"]?.string?.contains("WebSocket") == true)
        #expect(try await server.http("HEAD", "/healthz").0 == 200)
        #expect(try await server.http("GET", "/v1/nothing").0 == 404)
        #expect(try await server.http("GET", "/v1/models/m1/solution/extra").0 == 404)
        await server.stop()
    }
}
