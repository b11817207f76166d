import Foundation
import LiveSolveModel
import LiveSolveServer
import Testing
import TestSupport

/// The adaptive warm/cold policy on a real server with real CLP workers: right-hand-side
/// changes on ship12l, where dual simplex needs far fewer iterations than primal.
@Suite(.serialized) struct AdaptivePolicyTests {
    /// Equality rows of ship12l with a nonzero right-hand side, and their values.
    private static func balanceRows() throws -> [(name: String, rhs: Double)] {
        let model = try TestData.netlibModel("ship12l")
        return (0..<model.rowCount).compactMap { row in
            let (lower, upper) = (model.program.rowLower[row], model.program.rowUpper[row])
            guard lower == upper, lower > 0, model.rows[row].hasPrefix("BAL") else { return nil }
            return (model.rows[row], lower)
        }
    }

    /// Big enough that dual simplex clearly wins (about 2× on ship12l), small enough to stay feasible.
    static let rowsPerStep = 50
    static let scale = 1.05

    private func createShip12l(on server: TestServer) async throws -> String {
        let (status, text) = try await server.http("POST", "/v1/models?name=ship12l", body: try TestData.benchmarkText("data/netlib/ship12l.mps.gz"),
                                                   contentType: "text/x-mps")
        #expect(status == 201, "\(text)")
        return try #require(try JSONParser.parse(text)["model"]?.string)
    }

    /// Feeds `steps` updates, each moving a few balance rows' right-hand sides; returns the
    /// algorithm of each step's solution.
    private func feedRows(_ model: String, steps: Int, on server: TestServer) async throws -> [String] {
        let rows = try Self.balanceRows()
        var random = SeededRandom(seed: 7)
        var algorithms: [String] = []
        for step in 0..<steps {
            var entries: [String] = []
            var picked = Set<Int>()
            while picked.count < Self.rowsPerStep { picked.insert(random.next(rows.count)) }
            for index in picked.sorted() {
                let (name, rhs) = rows[index]
                let value = rhs * (step % 2 == 0 ? Self.scale : 1 / Self.scale)
                entries.append(#""\#(name)":[\#(value),\#(value)]"#)
            }
            let (status, solution) = try await server.json("POST", "/v1/models/\(model)/updates?wait=true",
                                                           body: #"{"rowBounds":{\#(entries.joined(separator: ","))}}"#)
            #expect(status == 200, "\(solution)")
            #expect(solution["status"] == .string("optimal"), "\(solution)")
            algorithms.append(solution["stats"]?["algorithm"]?.string ?? "?")
        }
        return algorithms
    }

    @Test func thePolicyComparesPrimalAndDualAndSettlesOnDualForRowChanges() async throws {
        let server = try await TestServer.start(workers: 1) { $0.rangingFastPath = false }
        let model = try await createShip12l(on: server)
        let algorithms = try await feedRows(model, steps: 12, on: server)
        // Each strategy worth trying ran at least once; the rest of the time, the best.
        #expect(algorithms.contains("primal"))
        #expect(algorithms.filter { $0 == "dual" }.count >= 8, "\(algorithms)")
        let rows = try await server.json("GET", "/v1/models/\(model)").1["strategies"]?["rows"]
        #expect(rows?["choice"] == .string("dual"), "\(String(describing: rows))")
        let primal = try #require(rows?["statistics"]?["primal"]?["medianMicros"]?.number)
        let dual = try #require(rows?["statistics"]?["dual"]?["medianMicros"]?.number)
        #expect(dual < primal, "dual \(dual) µs against primal \(primal) µs")
        #expect(rows?["statistics"]?["dual"]?["solves"]?.number ?? 0 >= 7)
        await server.stop()
    }

    @Test func aFixedStrategyRunsOnEverySolve() async throws {
        let server = try await TestServer.start(workers: 1) {
            $0.rangingFastPath = false
            $0.strategy = "primal"
        }
        let model = try await createShip12l(on: server)
        #expect(try await feedRows(model, steps: 4, on: server) == ["primal", "primal", "primal", "primal"])
        let rows = try await server.json("GET", "/v1/models/\(model)").1["strategies"]?["rows"]
        #expect(rows?["choice"] == .string("primal"))
        await server.stop()
    }
}
