import Foundation
import LiveSolveModel
import LiveSolveServer
import Testing
import TestSupport

/// Racing on real servers with real CLP workers: right-hand-side changes on d2q06c, where dual
/// simplex needs several times fewer iterations than primal (about 4× the speed).
@Suite(.serialized) struct RacingTests {
    /// The same feed for every server: each step moves 20 rows' upper bounds by up to ±3 %.
    private static func feed() throws -> [String] {
        let model = try TestData.netlibModel("d2q06c")
        let rows = (0..<model.rowCount).filter { model.program.rowUpper[$0].isFinite && model.program.rowUpper[$0] != 0 }
        var random = SeededRandom(seed: 11)
        return (0..<12).map { _ in
            var entries: [Int: Double] = [:]
            while entries.count < 20 {
                let row = rows[random.next(rows.count)]
                entries[row] = model.program.rowUpper[row] * (1 + Double(random.next(7) - 3) / 100)
            }
            let bounds = entries.sorted { $0.key < $1.key }.map { row, upper in
                let lower = model.program.rowLower[row] == model.program.rowUpper[row] ? "\(upper)" : "null"
                return #""\#(model.rows[row])":[\#(lower),\#(upper)]"#
            }
            return #"{"rowBounds":{\#(bounds.joined(separator: ","))}}"#
        }
    }

    /// Runs the feed on a fresh server; returns each step's objective and algorithm, and the
    /// server's metrics at the end.
    private func run(strategy: String, raceWidth: Int) async throws -> (objectives: [Double], algorithms: [String], metrics: String) {
        let server = try await TestServer.start(workers: 2) {
            $0.rangingFastPath = false
            $0.strategy = strategy
            $0.raceWidth = raceWidth
            $0.raceMillis = 0
        }
        let (status, text) = try await server.http("POST", "/v1/models?name=d2q06c", body: try TestData.benchmarkText("data/netlib/d2q06c.mps.gz"),
                                                   contentType: "text/x-mps")
        #expect(status == 201, "\(text)")
        let model = try #require(try JSONParser.parse(text)["model"]?.string)
        #expect(try await server.json("GET", "/v1/models/\(model)/solution").1["status"] == .string("optimal"))
        var objectives: [Double] = [], algorithms: [String] = []
        for update in try Self.feed() {
            let (status, solution) = try await server.json("POST", "/v1/models/\(model)/updates?wait=true", body: update)
            #expect(status == 200, "\(solution)")
            #expect(solution["status"] == .string("optimal"), "\(solution)")
            objectives.append(solution["objective"]?.number ?? .nan)
            algorithms.append(solution["stats"]?["algorithm"]?.string ?? "?")
        }
        let metrics = try await server.http("GET", "/metrics").1
        await server.stop()
        return (objectives, algorithms, metrics)
    }

    private func counter(_ name: String, in metrics: String) -> Int {
        metrics.split(separator: "\n").filter { $0.hasPrefix(name) }.reduce(0) { $0 + (Int($1.split(separator: " ").last ?? "") ?? 0) }
    }

    /// With primal chosen (fixed) and the second worker idle, dual races it: every answer is the
    /// same as either strategy alone gives, each race has one winner, dual wins races, and the
    /// loser stays warm. How much sooner a race answers is the benchmark's to say
    /// (`bench w1 --bounds-feed`): here the solves share the machine with the test's debug build.
    @Test func aRaceAnswersWhatEachStrategyAloneDoesAndItsLoserStaysWarm() async throws {
        let raced = try await run(strategy: "primal", raceWidth: 2)
        let dual = try await run(strategy: "dual", raceWidth: 1)
        let primal = try await run(strategy: "primal", raceWidth: 1)
        for (step, objective) in raced.objectives.enumerated() {
            #expect(TestData.matches(objective, dual.objectives[step]) && TestData.matches(objective, primal.objectives[step]),
                    "step \(step + 1): raced \(objective), dual \(dual.objectives[step]), primal \(primal.objectives[step])")
        }
        #expect(dual.algorithms.allSatisfy { $0 == "dual" } && primal.algorithms.allSatisfy { $0 == "primal" })
        let races = counter("livesolve_races_total", in: raced.metrics)
        // The first warm solve is not raced: it shows how long warm solves take. The rest are
        // while the other worker is idle, which on a quiet machine is every time.
        #expect(races >= 1 && races <= 11, "\(raced.metrics)")
        #expect(counter("livesolve_race_wins_total{", in: raced.metrics) == races)
        #expect(counter(#"livesolve_race_wins_total{model="m1",strategy="dual"}"#, in: raced.metrics) >= 1)
        #expect(raced.algorithms.contains("dual"))
        // Only the first race loads the model onto the other worker: after it, the loser keeps
        // a warm copy, even through solves it sits out (it is sent what it missed).
        #expect(counter("livesolve_racer_loads_total", in: raced.metrics) == 1)
        #expect(counter("livesolve_races_total", in: dual.metrics) == 0)
    }
}
