import CSupport
import Foundation
import LiveSolveModel
import Testing
import TestSupport

// `livesolve bench` against a real server, as the README runs it: functional checks only
// (every objective right, every subscriber reached), never timings.

/// The one JSON object a bench prints with `--json`.
private func benchFigures(_ output: String) throws -> JSON {
    let line = try #require(output.split(separator: "\n").last { $0.hasPrefix("{") }, "no JSON in: \(output)")
    return try JSONParser.parse(String(line))
}

/// `bench w1 --compare-ranging`: the same steps with the ranging fast path and without, every
/// objective right in both; only the first answers any without a solve.
@Test func benchW1ComparesTheRangingFastPathWithout() async throws {
    let stream = TestData.streams.appendingPathComponent("adlittle.jsonl.gz").path
    let (status, output) = try await runLivesolve(["bench", "w1", "--stream", stream, "--steps", "40", "--json", "--compare-ranging"],
                                                  seconds: 120)
    #expect(status == 0, "\(output)")
    let runs = output.split(separator: "\n").filter { $0.hasPrefix("{") }.compactMap { try? JSONParser.parse(String($0)) }
    #expect(runs.map { $0["bench"]?.string } == ["W1 adlittle ranging", "W1 adlittle no ranging"])
    #expect(runs.allSatisfy { $0["steps"]?.number == 40 && $0["wrong"]?.number == 0 })
    #expect((runs.first?["ranging_percent"]?.number ?? 0) > 0)
    #expect(runs.last?["ranging_percent"]?.number == 0)
}

@Test func benchW1ReplaysAStreamClosedLoopWithEveryObjectiveRight() async throws {
    // Every update solved, so that each has a solver time.
    let server = try await TestServer.start(workers: 1) { $0.rangingFastPath = false }
    let stream = TestData.streams.appendingPathComponent("afiro.jsonl.gz").path
    let (status, output) = try await runLivesolve(["bench", "w1", "--stream", stream, "--steps", "40", "--json",
                                                   "--url", "ws://127.0.0.1:\(server.port)"])
    #expect(status == 0, "\(output)")
    let figures = try benchFigures(output)
    #expect(figures["steps"]?.number == 40)
    #expect(figures["wrong"]?.number == 0)
    let p50 = try #require(figures["p50_us"]?.number), overhead = try #require(figures["overhead_p50_us"]?.number)
    // The solver's own time is reported by the server and is part of each latency.
    #expect((figures["solve_p50_us"]?.number ?? 0) > 0)
    #expect(overhead > 0 && overhead < p50)
    await server.stop()
}

/// The MIP bench on its own servers: every final objective right, each figure there, and the
/// orders that hold whatever the machine (a solution within 1 % comes no later than the final
/// one; an update's first solution no later than its first final one).
@Test func benchMIPReportsWarmColdAndPreemptionWithEveryObjectiveRight() async throws {
    let mip = TestData.benchmarks.appendingPathComponent("mip")
    let (status, output) = try await runLivesolve(["bench", "mip", "--model", mip.appendingPathComponent("knapsack30.lp").path,
                                                   "--stream", mip.appendingPathComponent("knapsack30.jsonl").path,
                                                   "--steps", "3", "--rate", "20", "--json"], seconds: 120)
    #expect(status == 0, "\(output)")
    let figures = try benchFigures(output)
    #expect(figures["steps"]?.number == 3 && figures["wrong"]?.number == 0)
    func figure(_ key: String) -> Double { figures[key]?.number ?? .nan }
    for start in ["warm", "cold"] { #expect(figure("\(start)_1pct_p50_ms") <= figure("\(start)_final_p50_ms"), "\(output)") }
    for server in ["preempt", "no_preempt"] {
        #expect(figure("\(server)_first_p50_ms") <= figure("\(server)_final_p50_ms"), "\(output)")
        #expect(figure("\(server)_final_p50_ms") <= figure("\(server)_final_max_ms"), "\(output)")
    }
    #expect(figure("warm_over_cold") > 0)
}

@Test func benchW3ReachesEverySubscriberWithTheLastUpdate() async throws {
    let server = try await TestServer.start(workers: 1)
    let (status, output) = try await runLivesolve(["bench", "w3", "--subscribers", "20", "--rate", "20", "--seconds", "1", "--json",
                                                   "--url", "ws://127.0.0.1:\(server.port)"])
    // Exit 0 only once every subscriber holds a solution including the last update.
    #expect(status == 0, "\(output)")
    let figures = try benchFigures(output)
    #expect(figures["updates"]?.number == 20)
    #expect(figures["warmup_updates"]?.number == 20)
    // At least the last solution reached each subscriber, and no subscriber got more than one
    // message per update sent. The count starts at the first measured update, when solutions
    // of warm-up updates may still be on their way: on a loaded machine more than one.
    let deliveries = try #require(figures["deliveries"]?.number)
    #expect(deliveries >= 20 && deliveries <= 20 * (20 + 20), "\(output)")
    await server.stop()
}

/// With `--auth` the bench's own server has a tokens file and every connection sends the
/// token: the runs are right, not refused.
@Test func benchesRunWithATokenOnEveryConnection() async throws {
    let stream = TestData.streams.appendingPathComponent("afiro.jsonl.gz").path
    let (w1, w1Output) = try await runLivesolve(["bench", "w1", "--stream", stream, "--steps", "20", "--json", "--auth"], seconds: 120)
    #expect(w1 == 0, "\(w1Output)")
    #expect(try benchFigures(w1Output)["wrong"]?.number == 0)
    let (w3, w3Output) = try await runLivesolve(["bench", "w3", "--subscribers", "10", "--rate", "20", "--seconds", "1", "--json", "--auth"], seconds: 120)
    #expect(w3 == 0, "\(w3Output)")
    #expect(try benchFigures(w3Output)["updates"]?.number == 20)
}

/// Bad options are usage errors (exit 64) and a server that is not there is a plain error
/// (exit 1), never a crash: a refused connection once left a promise unfulfilled, which debug
/// builds trap on, and a negative `--subscribers` sized an array with it.
@Test(arguments: [
    (["w1", "--steps", "0"], 64, "--steps must be at least 1"),
    (["w2", "--rate", "0"], 64, "--rate must be at least 1"),
    (["w3", "--subscribers=-5"], 64, "--subscribers must be at least 1"),
    (["w4", "--steps", "0"], 64, "--steps must be at least 1"),
    (["w1", "--url", "ws://127.0.0.1:1"], 1, "cannot connect to ws://127.0.0.1:1/v1/stream"),
    (["mip", "--model", TestData.benchmarks.appendingPathComponent("mip/knapsack30.lp").path, "--rate=-1"], 64, "--rate must be a number ≥ 0"),
    (["mip", "--model", TestData.netlib.appendingPathComponent("afiro.mps.gz").path], 64, "has no integer variable: use w1 for linear programs"),
])
func benchRefusesBadOptionsAndAMissingServerCleanly(arguments: [String], status expected: Int32, message: String) async throws {
    let stream = TestData.streams.appendingPathComponent("afiro.jsonl.gz").path
    let (status, output) = try await runLivesolve(["bench"] + arguments + ["--stream", stream])
    #expect(status == expected, "\(output)")
    #expect(output.contains(message), "\(output)")
}

/// However a bench ends (SIGKILL, which it cannot catch, or Ctrl-C or `timeout`'s signals), the
/// server it started sees its stdin close and stops, and its workers with it, instead of living
/// on as an orphan.
// One at a time: three benches loading dfl001 at once on two cores slow every step past the bounds.
@Test(.serialized, arguments: [SIGKILL, SIGTERM, SIGINT])
func aServerStartedByAKilledBenchStopsToo(signal: Int32) async throws {
    // Spawned as a shell would: this process blocks SIGTERM and SIGINT in its threads, and a
    // child started by `Process` inherits that mask, so those signals would never reach it.
    // dfl001's cold solve takes seconds: the bench is mid-run when it is killed.
    let arguments = [TestData.livesolveExecutable, "bench", "w1", "--stream", TestData.streams.appendingPathComponent("dfl001.jsonl.gz").path, "--json"]
    let argv = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let devNull = open("/dev/null", O_RDWR)
    defer { close(devNull) }
    let bench = ls_spawn(arguments[0], argv, devNull, devNull)
    try #require(bench > 0)
    var ended = false
    defer { if !ended { kill(bench, SIGKILL); waitpid(bench, nil, 0) } }
    func children(of pid: Int32) -> [Int32] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.flatMap { task in
            ((try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? "").split(separator: " ").compactMap { Int32($0) }
        }
    }
    /// Running, as opposed to gone or a zombie nobody has reaped yet.
    func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let state = stat[stat.range(of: ")")!.upperBound...].split(separator: " ").first else { return false }
        return state != "Z"
    }
    // The server, once it has started its workers (it has loaded the model by then).
    var server: Int32?, workers: [Int32] = []
    for _ in 0..<300 where workers.isEmpty {
        try await Task.sleep(for: .milliseconds(100))
        server = children(of: bench).first
        workers = server.map { children(of: $0) } ?? []
    }
    let serverPID = try #require(server)
    #expect(!workers.isEmpty)
    try await Task.sleep(for: .seconds(1))
    kill(bench, signal)
    var status: Int32 = 0
    for _ in 0..<100 where !ended {
        ended = waitpid(bench, &status, WNOHANG) == bench
        if !ended { try await Task.sleep(for: .milliseconds(100)) }
    }
    #expect(ended && status & 0x7F == signal, "the bench ended by the signal (wait status \(status))")
    for _ in 0..<150 where ([serverPID] + workers).contains(where: isRunning) {
        try await Task.sleep(for: .milliseconds(100))
    }
    #expect(!isRunning(serverPID))
    #expect(!workers.contains(where: isRunning))
}
