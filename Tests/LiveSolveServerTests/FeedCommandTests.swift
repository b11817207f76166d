import Foundation
import LiveSolveModel
import LiveSolveServer
import Testing
import TestSupport

@Test(arguments: ["refinery", "portfolio", "transport"])
func feedRandomWalksAnExamplesParameters(example: String) async throws {
    let server = try await TestServer.start(workers: 1)
    let document = try TestData.text(TestData.repositoryRoot.appendingPathComponent("Public/examples/\(example).json"))
    let (_, created) = try await server.json("POST", "/v1/models", body: document)
    let id = try #require(created["model"]?.string)
    let family = example == "portfolio" ? "return[*]" : example == "transport" ? "demand[*]" : "price[*]"
    let (status, text) = try await runLivesolve(["feed", "--model", id, "--param", family, "--rate", "20", "--step", "0.01",
                                                 "--seconds", "1.5", "--url", "ws://127.0.0.1:\(server.port)"], seconds: 10)
    #expect(status == 0, "\(text)")
    #expect(text.contains("0 rejected"))
    // Every update the feed sent is accepted (the server may still be reading them when it exits).
    let sent = try #require(text.firstMatch(of: /sent (\d+) updates/).flatMap { Int($0.1) })
    #expect(sent >= 20)
    var entry = try await server.json("GET", "/v1/models/\(id)?include=document").1
    for _ in 0..<100 where entry["seq"]?.number != Double(sent) {
        try await Task.sleep(for: .milliseconds(100))
        entry = try await server.json("GET", "/v1/models/\(id)?include=document").1
    }
    #expect(entry["seq"]?.number == Double(sent))
    // Only the named family moved.
    let original = try JSONModelReader.read(document).parameters
    guard case .object(let now)? = entry["document"]?["parameters"] else { Issue.record("no parameters"); return }
    let prefix = String(family.dropLast(3))
    for (name, value) in now {
        let before = original.values[original.names.index(of: name)!]
        if name.hasPrefix(prefix + "[") { #expect(value.number != before, "\(name) did not move") } else { #expect(value.number == before) }
    }
    await server.stop()
}

/// No server at the URL, or no such model there: one line saying so, exit 1.
@Test func feedSaysWhatIsMissing() async throws {
    // A port nothing listens on: bound, then closed.
    let closed = try await TestServer.start(workers: 1)
    let port = closed.port
    await closed.stop()
    let (status, text) = try await runLivesolve(["feed", "--model", "m1", "--url", "ws://127.0.0.1:\(port)", "--seconds", "1"], seconds: 10)
    #expect(status == 1)
    #expect(text.hasPrefix("livesolve: cannot reach a LiveSolve server at ws://127.0.0.1:\(port) ("), "\(text)")
    #expect(text.contains("is `livesolve serve` running there?"))

    let server = try await TestServer.start(workers: 1)
    let (missing, reply) = try await runLivesolve(["feed", "--model", "m404", "--url", "ws://127.0.0.1:\(server.port)", "--seconds", "1"], seconds: 10)
    #expect(missing == 1)
    #expect(reply.contains("m404"), "\(reply)")
    await server.stop()
}

/// A model's saved log, replayed into a fresh copy of the model, brings it to the same state.
@Test func replayStreamsASavedLogIntoAModel() async throws {
    let server = try await TestServer.start(workers: 1)
    let (_, first) = try await server.json("POST", "/v1/models", body: refineryDocument)
    let (_, second) = try await server.json("POST", "/v1/models", body: refineryDocument)
    let (source, copy) = (try #require(first["model"]?.string), try #require(second["model"]?.string))
    for price in [2.2, 2.5, 2.9] {
        #expect(try await server.json("POST", "/v1/models/\(source)/updates", body: #"{"parameters":{"price[gasoline]":\#(price),"demand[jet]":\#(price * 10)}}"#).0 == 200)
    }
    let (status, log) = try await server.http("GET", "/v1/models/\(source)/updates?from=1")
    #expect(status == 200)
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("livesolve-replay-\(UUID().uuidString).ndjson")
    try Data(log.utf8).write(to: file)
    let (code, text) = try await runLivesolve(["replay", "--url", "ws://127.0.0.1:\(server.port)", "--model", copy, "--updates", file.path], seconds: 20)
    #expect(code == 0, "\(text)")
    #expect(text.contains("replayed 3 updates into \(copy): 3 acknowledged, 0 rejected"), "\(text)")
    let a = try await server.json("GET", "/v1/models/\(source)?include=document").1
    let b = try await server.json("GET", "/v1/models/\(copy)?include=document").1
    #expect(b["seq"] == .number(3))
    #expect(a["document"]?["parameters"] == b["document"]?["parameters"])
    // A line that is not a log entry is named.
    try Data("{\"seq\":1}\n".utf8).write(to: file)
    let (bad, message) = try await runLivesolve(["replay", "--url", "ws://127.0.0.1:\(server.port)", "--model", copy, "--updates", file.path], seconds: 20)
    #expect(bad == 1)
    #expect(message.contains("line 1: expected an object with an \"update\" object"), "\(message)")
    await server.stop()
}

/// `feed` and `replay` against a server with tokens: `--token`, or `LIVESOLVE_TOKEN`; without one
/// the server's `unauthorized` is what the command says.
@Test func feedAndReplayCarryAToken() async throws {
    let token = "feed-test-token-0123456789abcdefghijklmnop"
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("livesolve-tokens-\(UUID().uuidString).yaml").path
    try "tokens:\n  - {name: feed, sha256: \(Tokens.hexDigest(of: token)), role: write}\n".write(toFile: file, atomically: true, encoding: .utf8)
    let server = try await TestServer.start(workers: 1) { $0.tokensFile = file }
    let (created, _) = try await httpResponse(port: server.port, "POST", "/v1/models", body: refineryDocument, headers: ["Authorization": "Bearer \(token)"])
    #expect(created.statusCode == 201)
    let url = "ws://127.0.0.1:\(server.port)"
    let (status, text) = try await runLivesolve(["feed", "--model", "m1", "--rate", "20", "--seconds", "1", "--url", url, "--token", token], seconds: 10)
    #expect(status == 0, "\(text)")
    #expect(text.contains("0 rejected"), "\(text)")
    let (refused, said) = try await runLivesolve(["feed", "--model", "m1", "--seconds", "1", "--url", url], seconds: 10)
    #expect(refused == 1)
    #expect(said.contains("needs a token"), "\(said)")

    let log = FileManager.default.temporaryDirectory.appendingPathComponent("livesolve-log-\(UUID().uuidString).ndjson").path
    try #"{"seq":1,"at":0,"update":{"parameters":{"price[gasoline]":2.4}}}"#.write(toFile: log, atomically: true, encoding: .utf8)
    let (replayed, output) = try await runLivesolve(["replay", "--model", "m1", "--updates", log, "--url", url], seconds: 10,
                                                     environment: ["LIVESOLVE_TOKEN": token])
    #expect(replayed == 0, "\(output)")
    await server.stop()
}
