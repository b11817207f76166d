import LiveSolveClient
import LiveSolveModel
import LiveSolveSolver
import LiveSolveWorkerIPC
import Testing
import TestSupport

@testable import LiveSolveServer

/// `costRanges` and `rhsRanges` through the real server and workers (PROTOCOL.md, "Stability
/// bands and staleness"): exact deltas, the same bands as CLP computes for the same state, and
/// computed only while someone asks.
@Suite(.serialized) struct StabilityBandsStreamTests {
    static let bandFields = ["values", "costRanges", "rhsRanges", "parameterRanges"]

    /// A price and capacity feed on the refinery: a subscriber to the bands reconstructs what
    /// `get` and `GET …/solution` answer, bit for bit, and those equal the bands a solver in
    /// this process computes for the same state. A subscriber to values only gets no bands.
    @Test func bandDeltasReconstructExactlyAndEqualASecondComputation() async throws {
        let server = try await TestServer.start(workers: 2)
        let plain = try await server.connect(), banded = try await server.connect()
        let id = try await plain.createRefinery()
        _ = await plain.request(#"{"op":"subscribe","model":"\#(id)"}"#)
        _ = await banded.request(#"{"op":"subscribe","model":"\#(id)","fields":["values","costRanges","rhsRanges","parameterRanges"]}"#)

        var model = try JSONModelReader.read(refineryDocument)
        var generator = SystemRandomNumberGenerator()
        let updates = 40
        for seq in 1...updates {
            let update: JSON = .object([("parameters", .object([
                ("price[gasoline]", .number(Double(Int.random(in: 150...300, using: &generator)) / 100)),
                ("price[diesel]", .number(Double(Int.random(in: 150...260, using: &generator)) / 100)),
                ("capacity[cracker]", .number(Double(Int.random(in: 30...60, using: &generator)))),
            ]))])
            model.apply(try UpdateResolver(model: model).resolve(update))
            guard case .object(let members) = update else { continue }
            let ack = await plain.request(JSONWriter.string(.object([("op", .string("update")), ("model", .string(id))] + members)))
            #expect(ack?["seq"] == .number(Double(seq)))
        }

        var view = ReconstructedSolution(), plainView = ReconstructedSolution()
        // The last solution at the final seq carries the bands (a solve for them may follow the update's).
        while view.seq < updates || view.bands["costRanges"]?.isEmpty ?? true, let message = await banded.next(within: 30) {
            view.apply(message)
        }
        while plainView.seq < updates, let message = await plain.next(within: 30) {
            #expect(message["costRanges"] == nil && message["rhsRanges"] == nil)
            plainView.apply(message)
        }
        let got = try #require(await banded.request(#"{"op":"get","id":7,"model":"\#(id)","fields":["values","costRanges","rhsRanges","parameterRanges"]}"#))
        #expect(got["seq"] == .number(Double(updates)))
        #expect(view.equals(got, fields: Self.bandFields))
        let (status, rest) = try await server.json("GET", "/v1/models/\(id)/solution")
        #expect(status == 200)
        #expect(view.equals(rest, fields: Self.bandFields))

        // The second computation: CLP in this process, on the state the updates led to.
        let solver = try ClpSolver(program: model.program)
        #expect(solver.solve().status == .optimal)
        let bands = try #require(solver.stabilityBands())
        func close(_ entry: JSON?, _ down: Double, _ up: Double) -> Bool {
            guard case .array(let sides)? = entry, sides.count == 2 else { return false }
            func same(_ side: JSON, _ value: Double) -> Bool {
                value.isFinite ? side.number.map { abs($0 - value) <= 1e-7 * max(1, abs(value)) } ?? false : side == .null
            }
            return same(sides[0], down) && same(sides[1], up)
        }
        let costs = try #require(got["costRanges"])
        for (j, name) in model.columns.names.enumerated() {
            #expect(close(costs[name], bands.costDown[j], bands.costUp[j]), "costRanges[\(name)]: \(String(describing: costs[name])) vs [\(bands.costDown[j]), \(bands.costUp[j])]")
        }
        let rows = try #require(got["rhsRanges"])
        for (i, name) in model.rows.names.enumerated() {
            if bands.rhsDown[i].isNaN {
                #expect(rows[name] == nil, "rhsRanges[\(name)] has no active bound")
            } else {
                #expect(close(rows[name], bands.rhsDown[i], bands.rhsUp[i]), "rhsRanges[\(name)]")
            }
        }
        var lanes = Array(repeating: [Double](), count: SolutionLane.count)
        let result = solver.solve()
        (lanes[SolutionLane.values.rawValue], lanes[SolutionLane.rowActivities.rawValue]) = (result.values, result.rowActivities)
        (lanes[SolutionLane.costDown.rawValue], lanes[SolutionLane.costUp.rawValue]) = (bands.costDown, bands.costUp)
        (lanes[SolutionLane.rhsDown.rawValue], lanes[SolutionLane.rhsUp.rawValue]) = (bands.rhsDown, bands.rhsUp)
        let ranges = try #require(ParameterRanges.compute(model.parameters, values: model.parameters.values, lanes: lanes))
        let parameters = try #require(got["parameterRanges"])
        for (p, name) in model.parameters.names.names.enumerated() {
            #expect(close(parameters[name], ranges.down[p], ranges.up[p]), "parameterRanges[\(name)]")
        }
        plain.close()
        banded.close()
        await server.stop()
    }
}

extension StabilityBandsStreamTests {
    /// Bands nobody kept are computed when asked: `get` and `GET …/solution` solve again for
    /// them (same seq), and a late subscriber's view fills in with them.
    @Test func bandsNobodyKeptAreComputedWhenAsked() async throws {
        let server = try await TestServer.start(workers: 1)
        let client = try await server.connect()
        let id = try await client.createRefinery()
        for (k, price) in [2.4, 2.6, 1.9].enumerated() {
            let ack = await client.request(#"{"op":"update","model":"\#(id)","parameters":{"price[gasoline]":\#(price)}}"#)
            #expect(ack?["seq"] == .number(Double(k + 1)))
        }
        let plain = try #require(await client.request(#"{"op":"get","id":1,"model":"\#(id)","seq":3,"fields":["values"]}"#))
        #expect(plain["seq"] == .number(3) && plain["costRanges"] == nil)
        let got = try #require(await client.request(#"{"op":"get","id":2,"model":"\#(id)","fields":["costRanges","rhsRanges"]}"#))
        #expect(got["seq"] == .number(3))
        guard case .object(let costs)? = got["costRanges"], case .object(let rows)? = got["rhsRanges"] else {
            Issue.record("no bands in \(got)")
            return
        }
        let model = try JSONModelReader.read(refineryDocument)
        #expect(costs.count == model.columnCount)
        #expect(!rows.isEmpty && rows.count <= model.rowCount)
        let (_, rest) = try await server.json("GET", "/v1/models/\(id)/solution")
        #expect(rest["costRanges"] == got["costRanges"] && rest["rhsRanges"] == got["rhsRanges"])

        // A late subscriber: its first snapshot, then the bands at the same seq.
        let late = try await server.connect()
        _ = await client.request(#"{"op":"update","model":"\#(id)","parameters":{"price[gasoline]":2.2}}"#)
        _ = await client.request(#"{"op":"get","id":3,"model":"\#(id)","seq":4,"fields":["values"]}"#)
        _ = await late.request(#"{"op":"subscribe","model":"\#(id)","fields":["costRanges"]}"#)
        var view = ReconstructedSolution()
        while view.bands["costRanges"]?.count ?? 0 < model.columnCount, let message = await late.next(within: 30) {
            view.apply(message)
        }
        #expect(view.seq == 4)
        let fresh = try #require(await late.request(#"{"op":"get","id":4,"model":"\#(id)","fields":["costRanges"]}"#))
        #expect(view.equals(fresh, fields: ["costRanges"]))
        late.close()
        client.close()
        await server.stop()
    }
}
