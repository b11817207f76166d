import Foundation
import LiveSolveModel
import LiveSolveServer
import Testing
import TestSupport

/// Forks made with `"follow": true` on a real server with worker processes and a store file:
/// the parent's updates reach the fork, the fork's own entries win, and both survive a restart.
@Suite(.serialized) struct FollowingForkTests {
    @Test func aFollowingForkTakesItsParentsUpdatesAndKeepsItsOwn() async throws {
        let path = temporaryStorePath()
        var server = try await TestServer.start(workers: 2) { $0.storagePath = path }
        let parent = try #require(try await server.json("POST", "/v1/models", body: refineryDocument).1["model"]?.string)
        let (created, forked) = try await server.json("POST", "/v1/models/\(parent)/fork", body: #"{"name":"plant down","follow":true}"#)
        #expect(created == 201)
        let fork = try #require(forked["model"]?.string)

        // The fork's own entries: a price, and one side of a bound.
        #expect(try await update(fork, #"{"parameters":{"price[gasoline]":3.0},"colBounds":{"crude[light]":{"upper":60}}}"#, on: server) == 1)
        // Wholly overridden: nothing reaches the fork.
        #expect(try await update(parent, #"{"parameters":{"price[gasoline]":1.5}}"#, on: server) == 1)
        // Partly overridden: the rest does, as the fork's next seq.
        #expect(try await update(parent, #"{"parameters":{"price[diesel]":2.4},"colBounds":{"crude[light]":[0,80],"crude[heavy]":{"upper":100}}}"#, on: server) == 2)

        var forkState: [(String, Double)] = [("price[gasoline]", 3.0), ("price[diesel]", 2.4)]
        var forkBounds: [String: Double] = ["crude[light]": 60, "crude[heavy]": 100]
        let parentState: [(String, Double)] = [("price[gasoline]", 1.5), ("price[diesel]", 2.4)]
        let parentBounds: [String: Double] = ["crude[light]": 80, "crude[heavy]": 100]
        try await expectFollowing(fork, of: parent, seq: 2, on: server)
        try await expectSolved(fork, seq: 2, as: forkState, upper: forkBounds, on: server)
        try await expectSolved(parent, seq: 2, as: parentState, upper: parentBounds, on: server)
        let entry = try await server.json("GET", "/v1/models/\(fork)").1
        #expect(entry["overrides"]?["parameters"] == .array([.string("price[gasoline]")]))
        #expect(entry["overrides"]?["colBounds"] == .object([("crude[light]", .array([.string("upper")]))]))
        #expect(entry["overrides"]?["objective"] == .array([]))

        // A restart keeps the link and the overrides.
        await server.stop()
        server = try await TestServer.start(workers: 2) { $0.storagePath = path }
        try await expectFollowing(fork, of: parent, seq: 2, on: server)
        #expect(try await server.json("GET", "/v1/models/\(fork)").1["overrides"] == entry["overrides"])
        #expect(try await update(parent, #"{"parameters":{"price[gasoline]":1.7,"price[jet]":2.9}}"#, on: server) == 3)
        forkState.append(("price[jet]", 2.9))
        try await expectSolved(fork, seq: 3, as: forkState, upper: forkBounds, on: server)

        // Deleting the parent ends the following, for good.
        #expect(try await server.http("DELETE", "/v1/models/\(parent)").0 == 204)
        #expect(try await server.json("GET", "/v1/models/\(fork)").1["parent"] == nil)
        forkBounds["crude[heavy]"] = 90
        #expect(try await update(fork, #"{"colBounds":{"crude[heavy]":{"upper":90}}}"#, on: server) == 4)
        await server.stop()
        server = try await TestServer.start(workers: 2) { $0.storagePath = path }
        #expect(try await server.json("GET", "/v1/models/\(fork)").1["parent"] == nil)
        try await expectSolved(fork, seq: 4, as: forkState, upper: forkBounds, on: server)
        await server.stop()
    }

    @Test func aForkBodyIsChecked() async throws {
        let server = try await TestServer.start(workers: 1)
        let parent = try #require(try await server.json("POST", "/v1/models", body: refineryDocument).1["model"]?.string)
        let (status, error) = try await server.json("POST", "/v1/models/\(parent)/fork", body: #"{"follow":"yes"}"#)
        #expect(status == 400)
        #expect(error["code"] == .string("bad_message"))
        #expect((error["message"]?.string ?? "").contains("follow"))
        // A fork without `follow` stays on its own.
        let fork = try #require(try await server.json("POST", "/v1/models/\(parent)/fork", body: "{}").1["model"]?.string)
        #expect(try await update(parent, #"{"parameters":{"price[diesel]":2.4}}"#, on: server) == 1)
        let entry = try await server.json("GET", "/v1/models/\(fork)").1
        #expect(entry["parent"] == nil)
        #expect(entry["seq"] == .number(0))
        await server.stop()
    }

    // MARK: helpers

    /// A REST update; returns its seq.
    private func update(_ model: String, _ body: String, on server: TestServer) async throws -> Int? {
        let (status, answer) = try await server.json("POST", "/v1/models/\(model)/updates", body: body)
        #expect(status == 200, "\(answer)")
        return answer["seq"]?.number.map { Int($0) }
    }

    private func expectFollowing(_ fork: String, of parent: String, seq: Int, on server: TestServer,
                                 sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let entry = try await server.json("GET", "/v1/models/\(fork)").1
        #expect(entry["parent"] == .string(parent), sourceLocation: sourceLocation)
        #expect(entry["seq"] == .number(Double(seq)), sourceLocation: sourceLocation)
    }

    /// The model's solution at `seq` has the objective of the refinery created fresh with
    /// these parameters and upper bounds: a cold solve of that state on the same server.
    private func expectSolved(_ model: String, seq: Int, as parameters: [(String, Double)], upper: [String: Double],
                              on server: TestServer, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        var solution = try await server.json("GET", "/v1/models/\(model)/solution").1
        for _ in 0..<100 where solution["seq"] != .number(Double(seq)) {
            try await Task.sleep(for: .milliseconds(100))
            solution = try await server.json("GET", "/v1/models/\(model)/solution").1
        }
        #expect(solution["seq"] == .number(Double(seq)), sourceLocation: sourceLocation)
        var document = try JSONParser.parse(refineryDocument)
        document = document.replacing("parameters") { values in
            guard case .object(var members) = values else { return values }
            for (name, value) in parameters { members = members.map { $0.key == name ? (name, .number(value)) : $0 } }
            return .object(members)
        }
        document = document.replacing("variables") { variables in
            guard case .array(let items) = variables else { return variables }
            return .array(items.map { variable in
                guard case .string(let name)? = variable["name"], let bound = upper[name] else { return variable }
                return variable.replacing("upper") { _ in .number(bound) }
            })
        }
        let fresh = try #require(try await server.json("POST", "/v1/models", body: JSONWriter.string(document)).1["model"]?.string)
        let expected = try await server.json("GET", "/v1/models/\(fresh)/solution").1
        #expect(expected["status"] == .string("optimal"), sourceLocation: sourceLocation)
        let objective = try #require(solution["objective"]?.number, sourceLocation: sourceLocation)
        #expect(TestData.matches(objective, expected["objective"]?.number ?? .nan), "\(objective) vs \(expected)", sourceLocation: sourceLocation)
        #expect(try await server.http("DELETE", "/v1/models/\(fresh)").0 == 204)
    }
}

private extension JSON {
    /// This object with the member `key` replaced.
    func replacing(_ key: String, with change: (JSON) -> JSON) -> JSON {
        guard case .object(let members) = self else { return self }
        return .object(members.map { $0.key == key ? (key, change($0.value)) : $0 })
    }
}
