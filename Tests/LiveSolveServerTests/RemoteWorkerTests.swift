import Foundation
import LiveSolveClient
import LiveSolveModel
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Every update goes through the workers: the servers here answer none by ranging.
/// Remote workers through a real RabbitMQ node and real `livesolve worker --broker` processes.
/// The node's start and stop block (seconds): they run on threads of their own, not on the
/// tests' two cooperative threads, which the servers' tasks need.
@Suite(.serialized) struct RemoteWorkerTests {
    /// W1 traffic on afiro through two remote workers and no local pool: every objective right.
    @Test func aFeedThroughTwoRemoteWorkersAndNoLocalPoolIsSolvedRight() async throws {
        let node = try await onOwnThread { try RabbitNode() }
        let server = try await TestServer.start(workers: 0) { $0.brokerURL = node.url; $0.rangingFastPath = false }
        let workers = [try RemoteWorkerProcess(broker: node.url, name: "a"), try RemoteWorkerProcess(broker: node.url, name: "b")]
        try await waitForRemoteWorkers(2, on: server)
        let (health, _) = try await server.http("GET", "/healthz")
        #expect(health == 200)
        let client = try await server.connect()
        let model = try await createAfiro(on: client)
        let steps = try TestData.stream("afiro").steps.prefix(100)
        let wrong = await feedClosedLoop(Array(steps), model: model, on: client, from: 1)
        #expect(wrong == 0)
        client.close()
        await server.stop()
        withExtendedLifetime(workers) {}
    }

    /// The worker holding the model is SIGKILLed mid-feed: the other takes it (model and basis),
    /// and the final solution includes every acknowledged update.
    @Test func aKilledRemoteWorkersModelMovesToTheOtherWithNothingLost() async throws {
        let node = try await onOwnThread { try RabbitNode() }
        let server = try await TestServer.start(workers: 0) { $0.brokerURL = node.url; $0.rangingFastPath = false }
        let workers = [try RemoteWorkerProcess(broker: node.url, name: "a"), try RemoteWorkerProcess(broker: node.url, name: "b")]
        try await feedAcrossTheLoss(of: workers, on: server) { $0.signal(SIGKILL) }
        await server.stop()
    }

    /// The kill test across a network: the broker and each worker on a host of its own
    /// (network namespaces joined by veth), the server on this one.
    @Test func aKilledWorkersModelMovesAcrossTheNetwork() async throws {
        let (hosts, node) = try await brokerOnItsOwnHost()
        let server = try await TestServer.start(workers: 0) { $0.brokerURL = node.url; $0.rangingFastPath = false }
        let workers = try ["a", "b"].map { name in
            try hosts.add(name)
            return try RemoteWorkerProcess(broker: node.url, name: name, on: (hosts, name))
        }
        try await feedAcrossTheLoss(of: workers, on: server) { $0.signal(SIGKILL) }
        await server.stop()
        withExtendedLifetime((hosts, node)) {}
    }

    /// The holder's host is cut off the network (`ip link set … down`) mid-feed: its heartbeats
    /// stop, it is declared gone, and the other worker takes the model with nothing lost.
    @Test func aWorkerWhoseHostIsCutOffLosesItsModelsWithNothingLost() async throws {
        let (hosts, node) = try await brokerOnItsOwnHost()
        let server = try await TestServer.start(workers: 0) { $0.brokerURL = node.url; $0.rangingFastPath = false }
        let workers = try ["a", "b"].map { name in
            try hosts.add(name)
            return try RemoteWorkerProcess(broker: node.url, name: name, on: (hosts, name))
        }
        try await feedAcrossTheLoss(of: workers, on: server) { try hosts.cut($0.name) }
        #expect(try await metric("livesolve_remote_workers", on: server) == 1)
        await server.stop()
        withExtendedLifetime((hosts, node)) {}
    }

    /// A worker frozen (SIGSTOP) past the heartbeat limit is declared gone and its model solved
    /// elsewhere; thawed, it answers the request it held, and that late reply is dropped.
    @Test func aReplyFromAWorkerDeclaredGoneIsDropped() async throws {
        let node = try await onOwnThread { try RabbitNode() }
        let server = try await TestServer.start(workers: 0) { $0.brokerURL = node.url; $0.rangingFastPath = false }
        let first = try RemoteWorkerProcess(broker: node.url, name: "first")
        try await waitForRemoteWorkers(1, on: server)
        let client = try await server.connect()
        let model = try await createAfiro(on: client)
        _ = await client.request(#"{"op":"subscribe","model":"\#(model)"}"#)
        _ = await client.next(within: 30)
        let second = try RemoteWorkerProcess(broker: node.url, name: "second")
        try await waitForRemoteWorkers(2, on: server)
        first.signal(SIGSTOP)
        let step = try TestData.stream("afiro").steps[0]
        guard case .object(let fields) = step.update else { return }
        client.send(JSONWriter.string(.object([("op", .string("update")), ("model", .string(model))] + fields)))
        var answered: JSON?
        while answered == nil, let message = await client.next(within: 30) {
            if message["type"] == .string("solution"), message["seq"] == .number(1) { answered = message }
        }
        #expect(answered.map { TestData.matches($0["objective"]?.number ?? .nan, step.expect) } == true)
        #expect(await server.server.coordinator.remoteHome(of: model) == "second")
        first.signal(SIGCONT)
        var dropped = false
        for _ in 0..<100 where !dropped {
            try await Task.sleep(for: .milliseconds(100))
            dropped = try await metric("livesolve_remote_replies_dropped_total", on: server) >= 1
        }
        #expect(dropped)
        // Nothing more reached the subscriber: the late answer was not published.
        #expect(await client.next(within: 1) == nil)
        client.close()
        await server.stop()
        withExtendedLifetime(second) {}
    }

    /// The broker stops mid-feed: the local pool goes on solving, nothing is lost; it comes
    /// back, and so do the remote workers.
    @Test func aBrokerRestartMidFeedLosesNothingAndTheWorkersComeBack() async throws {
        let node = try await onOwnThread { try RabbitNode() }
        let server = try await TestServer.start(workers: 1) { $0.brokerURL = node.url; $0.rangingFastPath = false }
        let workers = [try RemoteWorkerProcess(broker: node.url, name: "a"), try RemoteWorkerProcess(broker: node.url, name: "b")]
        try await waitForRemoteWorkers(2, on: server)
        let client = try await server.connect()
        let model = try await createAfiro(on: client)
        let steps = Array(try TestData.stream("afiro").steps.prefix(60))
        #expect(await feedClosedLoop(Array(steps.prefix(20)), model: model, on: client, from: 1) == 0)
        try await onOwnThread { node.stop() }
        #expect(await feedClosedLoop(Array(steps[20..<40]), model: model, on: client, from: 21) == 0)
        try await onOwnThread { try node.start() }
        try await waitForRemoteWorkers(2, on: server, within: 30)
        #expect(await feedClosedLoop(Array(steps[40...]), model: model, on: client, from: 41) == 0)
        client.close()
        await server.stop()
        withExtendedLifetime(workers) {}
    }
}

extension RemoteWorkerTests {
    /// A worker that offers to hold one model (`--models 1`) is never given two: each time the
    /// other model loads there, the one it held is dropped, and every objective stays right.
    @Test func aWorkerHoldsNoMoreModelsThanItOffers() async throws {
        let node = try await onOwnThread { try RabbitNode() }
        let server = try await TestServer.start(workers: 0) { $0.brokerURL = node.url; $0.rangingFastPath = false }
        let worker = try RemoteWorkerProcess(broker: node.url, name: "small", models: 1)
        try await waitForRemoteWorkers(1, on: server)
        let client = try await server.connect()
        let models = [try await createAfiro(on: client), try await createAfiro(on: client)]
        let steps = Array(try TestData.stream("afiro").steps.prefix(10))
        var wrong = 0
        for (i, step) in steps.enumerated() {
            for model in models { wrong += await feedClosedLoop([step], model: model, on: client, from: i + 1) }
        }
        #expect(wrong == 0)
        // One dispatch per create and per update, each but the first loading in place of the other.
        let dispatched = try await metric("livesolve_solves_started_total", on: server)
        #expect(dispatched == 22)
        #expect(try await metric("livesolve_models_evicted_total", on: server) == dispatched - 1)
        client.close()
        await server.stop()
        withExtendedLifetime(worker) {}
    }

    /// An integer model's solve on a remote worker is stopped for a newer update, as on a pipe
    /// worker: the stop reaches it mid-solve on a queue of its own.
    @Test func anUpdateStopsAnIntegerSolveOnARemoteWorker() async throws {
        let node = try await onOwnThread { try RabbitNode() }
        let preempted = try await latencyOfAnUpdateDuringTheFirstSolve(preempt: true, broker: node.url)
        #expect(!preempted.sawFinalOfFirstSolve)
        #expect(preempted.stopsCounted == 1)
        withExtendedLifetime(node) {}
    }

    /// `bench w1 --broker`: the pipe pool's run, then the same through a remote worker, every
    /// objective right in both (timings are the bench's business, not the test's).
    @Test func benchW1RunsThroughTheBrokerBesideThePipePool() async throws {
        let node = try await onOwnThread { try RabbitNode() }
        let stream = TestData.streams.appendingPathComponent("afiro.jsonl.gz").path
        let (status, output) = try await runLivesolve(["bench", "w1", "--stream", stream, "--steps", "40", "--json", "--broker", node.url],
                                                      seconds: 120)
        #expect(status == 0, "\(output)")
        let runs = output.split(separator: "\n").filter { $0.hasPrefix("{") }.compactMap { try? JSONParser.parse(String($0)) }
        #expect(runs.map { $0["bench"]?.string } == ["W1 afiro", "W1 afiro remote×1"])
        #expect(runs.allSatisfy { $0["steps"]?.number == 40 && $0["wrong"]?.number == 0 })
        withExtendedLifetime(node) {}
    }

    /// `bench throughput`: the pipe pool's run, then 1 and 2 remote workers, every solution
    /// checked against the stream by the bench itself (a wrong one fails it).
    @Test func benchThroughputRunsThroughOneAndTwoRemoteWorkers() async throws {
        let node = try await onOwnThread { try RabbitNode() }
        let stream = TestData.streams.appendingPathComponent("afiro.jsonl.gz").path
        let (status, output) = try await runLivesolve(["bench", "throughput", "--broker", node.url, "--stream", stream, "--copies", "20",
                                                       "--rounds", "3", "--max-workers", "2", "--json"], seconds: 120)
        #expect(status == 0, "\(output)")
        let runs = output.split(separator: "\n").filter { $0.hasPrefix("{") }.compactMap { try? JSONParser.parse(String($0)) }
        #expect(runs.map { $0["bench"]?.string } == ["throughput afiro ×20 pipes×2", "throughput afiro ×20 remote×1", "throughput afiro ×20 remote×2"])
        #expect(runs.allSatisfy { $0["solves"]?.number == 60 && ($0["solves_per_s"]?.number ?? 0) > 0 })
        withExtendedLifetime(node) {}
    }
}

/// A broker on a test host of its own.
private func brokerOnItsOwnHost() async throws -> (NetworkHosts, RabbitNode) {
    try await onOwnThread {
        let hosts = try NetworkHosts()
        try hosts.add("broker")
        return (hosts, try RabbitNode(on: (hosts, "broker")))
    }
}

/// With two remote workers up: 30 updates closed-loop, then the worker holding the model is
/// taken away (`lose`) and 30 more sent at once, acked while it is still thought alive. The
/// final solution includes all 60 and the other worker holds the model.
private func feedAcrossTheLoss(of workers: [RemoteWorkerProcess], on server: TestServer,
                               lose: (RemoteWorkerProcess) throws -> Void) async throws {
    try await waitForRemoteWorkers(2, on: server)
    let client = try await server.connect()
    let model = try await createAfiro(on: client)
    let steps = Array(try TestData.stream("afiro").steps.prefix(60))
    #expect(await feedClosedLoop(Array(steps.prefix(30)), model: model, on: client, from: 1) == 0)
    _ = await client.request(#"{"op":"subscribe","model":"\#(model)"}"#)
    let holder = try #require(await server.server.coordinator.remoteHome(of: model))
    try lose(workers.first { $0.name == holder }!)
    var acked = 0
    for (i, step) in steps.dropFirst(30).enumerated() {
        guard case .object(let fields) = step.update else { continue }
        client.send(JSONWriter.string(.object([("op", .string("update")), ("id", .number(Double(31 + i))), ("model", .string(model))] + fields)))
    }
    var final: JSON?
    while final == nil, let message = await client.next(within: 30) {
        if message["type"] == .string("ack") { acked += 1 }
        if message["type"] == .string("solution"), message["seq"] == .number(60) { final = message }
    }
    #expect(acked == 30)
    #expect(final.map { TestData.matches($0["objective"]?.number ?? .nan, steps[59].expect) } == true)
    let other = workers.first { $0.name != holder }!.name
    #expect(await server.server.coordinator.remoteHome(of: model) == other)
    client.close()
}

private func createAfiro(on client: QueuedStreamClient) async throws -> String {
    let text = try TestData.benchmarkText("data/netlib/afiro.mps.gz")
    let created = await client.request(#"{"op":"create","format":"mps","text":\#(JSONWriter.quoted(text))}"#)
    return try #require(created?["model"]?.string)
}

/// Sends each update and waits for the solution with its seq (`from` is the first's, a `get`
/// asking for it); returns how many objectives differ from the stream's `expect`.
private func feedClosedLoop(_ steps: [(update: JSON, expect: Double)], model: String, on client: QueuedStreamClient, from first: Int) async -> Int {
    var wrong = 0
    for (i, step) in steps.enumerated() {
        guard case .object(let fields) = step.update else { continue }
        let seq = first + i
        client.send(JSONWriter.string(.object([("op", .string("update")), ("model", .string(model))] + fields)))
        client.send(#"{"op":"get","id":\#(seq),"model":"\#(model)","seq":\#(seq)}"#)
        var answer: JSON?
        while answer == nil, let message = await client.next(within: 30) {
            if message["id"] == .number(Double(seq)) { answer = message }
        }
        guard let answer, answer["type"] == .string("solution"), answer["seq"] == .number(Double(seq)),
              TestData.matches(answer["objective"]?.number ?? .nan, step.expect) else {
            wrong += 1
            continue
        }
    }
    return wrong
}

/// Waits until `count` remote workers are up, as `/metrics` counts them.
private func waitForRemoteWorkers(_ count: Int, on server: TestServer, within seconds: Double = 60) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await metric("livesolve_remote_workers", on: server) == Double(count) { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    throw TestFailure(description: "\(count) remote workers did not join within \(seconds) s")
}

private func metric(_ name: String, on server: TestServer) async throws -> Double {
    try await metric(name, port: server.port) ?? -1
}
