import LiveSolveModel
import Testing

/// A repeated key is an error wherever it is, pointing at the repeat: in a small object (scanned)
/// and past the 16th member of a large one (where a set takes over).
@Test(arguments: [3, 16, 17, 40])
func aRepeatedKeyIsAnErrorAtTheRepeat(members: Int) throws {
    let keys = (0..<members).map { #""k\#($0)":\#($0)"# }
    let repeated = #""k\#(members / 2)":0"#
    let text = "{" + (keys + [repeated]).joined(separator: ",") + "}"
    do {
        _ = try JSONParser.parse(text)
        Issue.record("parsed \(text)")
    } catch {
        #expect(error.reason == #"duplicate key "k\#(members / 2)""#)
        #expect(error.column == text.count - repeated.count)
    }
    // The same keys without the repeat parse, in order.
    let distinct = try JSONParser.parse("{" + keys.joined(separator: ",") + "}")
    #expect(distinct["k\(members - 1)"] == .number(Double(members - 1)))
}

@Test func equalKeysInDifferentObjectsAreNotRepeats() throws {
    let json = try JSONParser.parse(#"{"a":{"a":1},"b":[{"a":2},{"a":3}]}"#)
    #expect(json["a"]?["a"] == .number(1))
}
