import LiveSolveModel
import Testing

@testable import LiveSolveServer

/// What a following fork keeps of its parent's updates, as values: no server.
struct OverridesTests {
    private func fields(_ text: String) throws -> [(key: String, value: JSON)] {
        guard case .object(let members) = try JSONParser.parse(text) else { throw TestFailure(description: "not an object: \(text)") }
        return members
    }

    @Test func overriddenEntriesAreLeftOutAndTheRestKept() throws {
        var overrides = Overrides()
        #expect(overrides.record(try fields(#"{"parameters":{"p":1},"rowBounds":{"r":{"upper":5}},"coefficients":[{"row":"r","col":"x","value":2}]}"#)))
        // Nothing new the second time.
        #expect(!overrides.record(try fields(#"{"parameters":{"p":3}}"#)))
        let parent = try fields("""
            {"parameters":{"p":2,"q":4},"objective":{"x":1},"rowBounds":{"r":[0,9],"s":[1,2]},
             "coefficients":[{"row":"r","col":"x","value":7},{"row":"r","col":"y","value":8}]}
            """)
        let kept = try #require(overrides.filter(parent))
        #expect(JSON.object(kept) == (try JSONParser.parse("""
            {"parameters":{"q":4},"objective":{"x":1},"rowBounds":{"r":{"lower":0},"s":[1,2]},
             "coefficients":[{"row":"r","col":"y","value":8}]}
            """)))
        #expect(overrides.filter(try fields(#"{"parameters":{"p":5},"rowBounds":{"r":{"upper":1}}}"#)).map { JSON.object($0) } == nil)
    }

    @Test func theStoredFormReadsBackTheSame() throws {
        var overrides = Overrides()
        _ = overrides.record(try fields(#"{"objective":{"b":1,"a":2},"colBounds":{"x":[0,1]},"coefficients":[{"row":"r","col":"x","value":2}]}"#))
        #expect(Overrides(json: try JSONParser.parse(JSONWriter.string(overrides.json))) == overrides)
        #expect(overrides.json["objective"] == .array([.string("a"), .string("b")]))
        #expect(overrides.json["colBounds"] == .object([("x", .array([.string("lower"), .string("upper")]))]))
    }
}
