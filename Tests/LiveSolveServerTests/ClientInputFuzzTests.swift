import LiveSolveClient
import LiveSolveModel
import Testing
import TestSupport

/// Random updates of every kind, built from the refinery's names (some unknown) and awkward
/// numbers (the solver's limits and beyond, tiny, wrong types): whatever a client sends, each
/// answer is an `ack` or an `error` that is not `internal`, the connection stays open, and no
/// worker dies. Before `SolverRange`, an objective coefficient of 1e25 killed three in a row.
@Test(arguments: 1...3)
func noUpdateAClientSendsKillsAWorker(seed: UInt64) async throws {
    let server = try await TestServer.start(workers: 1)
    let client = try await server.connect()
    var random = SeededRandom(seed: seed)
    func pick<T>(_ choices: [T]) -> T { random.pick(choices) }
    let numbers = ["0", "1", "-1", "2.5", "1e20", "-1e20", "1.5e20", "1e25", "-1e25", "1e29", "1e30", "-1e100",
                   "1e308", "-1e308", "1e-300", "5e-324", "null", "\"1\"", "true"]
    let columns = ["crude[light]", "crude[heavy]", "make[jet]", "crack[heavy]", "nope"].map(JSONWriter.quoted)
    let rows = ["distillation", "cracker", "balance[jet]", "nope"].map(JSONWriter.quoted)
    let parameters = ["price[gasoline]", "cost[heavy_crude]", "capacity[cracker]", "demand[jet]"].map(JSONWriter.quoted)
    // One model per kind of entry: a number CLP refuses early (a huge coefficient) would
    // otherwise stop every later solve before the numbers that abort it are reached.
    let kinds: [() -> String] = [
        { #""objective":{\#(pick(columns)):\#(pick(numbers))}"# },
        { #""colBounds":{\#(pick(columns)):[\#(pick(numbers)),\#(pick(numbers))]}"# },
        { #""rowBounds":{\#(pick(rows)):{"\#(pick(["lower", "upper"]))":\#(pick(numbers))}}"# },
        { #""coefficients":[{"row":\#(pick(rows)),"col":\#(pick(columns)),"value":\#(pick(numbers))}]"# },
        { #""parameters":{\#(pick(parameters)):\#(pick(numbers))}"# },
    ]
    for entry in kinds {
        let model = try await client.createRefinery()
        var acks = 0
        for i in 0..<60 {
            let message = #"{"op":"update","model":"\#(model)","id":\#(i),\#(entry())}"#
            let reply = try #require(await client.request(message), "no answer to \(message)")
            if reply["type"] == .string("ack") {
                acks += 1
            } else {
                #expect(reply["type"] == JSON.string("error") && reply["code"] != JSON.string("internal"), "\(message) -> \(reply)")
            }
        }
        // The last accepted update is solved (`get` answers with the newest solution at once).
        var solved: JSON?
        for _ in 0..<100 {
            solved = await client.request(#"{"op":"get","model":"\#(model)","id":"end"}"#)
            if solved?["seq"] == .number(Double(acks)) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(solved?["seq"] == .number(Double(acks)), "\(String(describing: solved))")
    }
    // By the one worker, never replaced.
    let (_, metrics) = try await server.http("GET", "/metrics")
    #expect(metrics.contains("livesolve_worker_restarts_total 0\n"), "\(metrics)")
    client.close()
    await server.stop()
}
