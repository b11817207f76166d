import LiveSolveModel
import Testing
import TestSupport

@testable import LiveSolveServer

/// The quick reader of objective updates must read what it takes exactly as the general path
/// (`ClientRequestParser`, then `UpdateResolver`) does, and leave everything else to that path.
struct QuickUpdateReaderTests {
    /// What the general path makes of a message: model, echoed id and delta, or its error.
    private func general(_ text: String, model: Model) -> Result<(String, String?, ModelDelta), RequestError> {
        var context = RequestEcho()
        do {
            guard case let .update(id, update) = try ClientRequestParser.parse(text, context: &context) else {
                return .failure(RequestError(.badMessage, "not an update"))
            }
            do {
                return .success((id, context.id?.json, try UpdateResolver(model: model).resolve(update)))
            } catch {
                return .failure(RequestError(error))
            }
        } catch {
            return .failure(error)
        }
    }

    /// The quick reader's reading, for model "m1" only (the coordinator looks others up, and
    /// leaves unknown ones to the general path).
    private func quick(_ text: String, model: Model) -> (String, String?, ModelDelta)? {
        guard let update = QuickUpdateReader.read(text), update.model == "m1",
              let delta = update.delta(columns: model.columns, bindings: model.parameters.bindings)
        else { return nil }
        return (update.model, update.id?.json, delta)
    }

    /// Every step of two recorded price feeds, as the bench sends them, is taken, and read as
    /// the general path reads it.
    @Test(arguments: ["afiro", "adlittle", "ship12l"])
    func everyStepOfARecordedFeedIsTakenAndReadAsTheGeneralPathReadsIt(stream: String) throws {
        let (source, steps) = try TestData.stream(stream)
        let model = try TestData.netlibModel(String(source.split(separator: "/").last!.split(separator: ".").first!))
        for (i, step) in steps.enumerated() {
            guard case .object(let fields) = step.update else { Issue.record("step \(i) is not an object"); return }
            let text = JSONWriter.string(.object([("op", .string("update")), ("id", .number(Double(i))), ("model", .string("m1"))] + fields))
            let taken = try #require(quick(text, model: model), "step \(i): \(text)")
            let expected = try general(text, model: model).get()
            #expect(taken.0 == expected.0 && taken.1 == expected.1 && taken.2 == expected.2, "step \(i): \(text)")
        }
    }

    /// Member order, whitespace, string and number ids (echoed as written), several entries.
    @Test(arguments: [
        #"{"op":"update","model":"m1","objective":{"crack[heavy]":-3.25}}"#,
        #"{"objective":{"crack[heavy]":-3.25},"model":"m1","op":"update"}"#,
        " {\n\t\"op\" : \"update\" ,\"id\": \"req-7\", \"model\":\"m1\",\r\n\"objective\" : { \"crack[heavy]\" : 1e3 } } ",
        #"{"op":"update","id":1.50,"model":"m1","objective":{"crack[heavy]":-0}}"#,
        #"{"op":"update","id":12345678901234567890,"model":"m1","objective":{"crack[heavy]":2.5E-3}}"#,
    ])
    func takenMessagesReadAsTheGeneralPathReadsThem(text: String) throws {
        let model = try TestData.example("refinery")
        let taken = try #require(quick(text, model: model))
        let expected = try general(text, model: model).get()
        #expect(taken.0 == expected.0)
        #expect(taken.1 == expected.1)
        #expect(taken.2 == expected.2)
    }

    /// Whatever is unusual, valid or not, is left to the general path, which reports the errors.
    @Test(arguments: [
        #"{"op":"update","model":"m1","objective":{"make[gasoline]":1}}"#,  // a parameter drives it
        #"{"op":"update","model":"m1","objective":{"nope":1}}"#,  // unknown variable
        #"{"op":"update","model":"m1","objective":{}}"#,  // no entry
        #"{"op":"update","model":"m1","objective":{"crack[heavy]":1e999}}"#,  // out of range
        #"{"op":"update","model":"m1","objective":{"crack[heavy]":-1e25}}"#,  // beyond the solver's range
        #"{"op":"update","model":"m1","objective":{"crack[heavy]":01}}"#,  // not JSON's grammar
        #"{"op":"update","model":"m1","objective":{"crack[heavy]":"1"}}"#,  // a string
        #"{"op":"update","model":"m1","objective":{"crack[heavy]":1,"crack[heavy]":2}}"#,  // repeated name
        #"{"op":"update","op":"update","model":"m1","objective":{"crack[heavy]":1}}"#,  // repeated key
        #"{"op":"update","model":"m1","objective":{"crack\u005bheavy]":1}}"#,  // an escape
        #"{"op":"update","model":"m1","objective":{"crack[heavy]":1},"colBounds":{}}"#,  // another field
        #"{"op":"update","model":"m1","id":null,"objective":{"crack[heavy]":1}}"#,  // an id of the wrong type
        #"{"op":"ping","model":"m1","objective":{"crack[heavy]":1}}"#,  // another op
        #"{"op":"update","model":"m1","objective":{"crack[heavy]":1}} x"#,  // text after the object
        #"{"op":"update","model":"m1","objective":{"crack[heavy]":1},}"#,  // a trailing comma
        #"{"op":"update","model":"m1","objective":{"crack[heavy]":1}"#,  // cut short
        #"{"op":"update","model":"m1","objective":{"crack[heavy]":1},"note":"é"}"#,  // beyond ASCII
    ])
    func unusualMessagesAreLeftToTheGeneralPath(text: String) throws {
        let model = try TestData.example("refinery")
        #expect(quick(text, model: model) == nil)
    }

    /// Random messages built from pieces that are often valid and sometimes not: whatever the
    /// quick reader takes, the general path takes too, and reads the same.
    @Test(arguments: 1...8)
    func whateverIsTakenTheGeneralPathReadsTheSame(seed: UInt64) throws {
        let model = try TestData.example("refinery")
        var random = SeededRandom(seed: seed)
        func pick<T>(_ choices: [T]) -> T { random.pick(choices) }
        let space = ["", "", " ", "\n\t", "\r\n "]
        // Mostly valid pieces, so that many messages are taken.
        let valid = ["1", "-0", "1.50", "1e3", "2.5E-3", "-3.25", "12345678901234567890"]
        let numbers = valid + valid + ["01", "1.", "-", "1e999", "1e20", "1.0000001e20", "\"1\"", "null"]
        let names = Array(repeating: "crack[heavy]", count: 6) + ["crude[light]", "nope", "crack\\u005bheavy]", "é"]
        var taken = 0
        for _ in 0..<2000 {
            var members: [String] = []
            let keys = [("op", 9), ("model", 9), ("id", 5), ("objective", 9), ("op", 1), ("colBounds", 1)]
            for (key, tenths) in keys where pick(Array(0..<10)) < tenths {
                let value: String
                switch key {
                case "op": value = pick(["\"update\"", "\"update\"", "\"update\"", "\"ping\"", "1"])
                case "model": value = pick(["\"m1\"", "\"m1\"", "\"m1\"", "\"m2\"", "7"])
                case "id": value = pick(numbers + ["\"req\"", "\"a\\\"b\""])
                case "objective":
                    let entries = (0..<pick([0, 1, 1, 2, 3])).map { _ in "\"\(pick(names))\"\(pick(space)):\(pick(space))\(pick(numbers))" }
                    value = "{\(pick(space))" + entries.joined(separator: ",\(pick(space))") + "}"
                default: value = "{}"
                }
                members.append("\(pick(space))\"\(key)\"\(pick(space)):\(pick(space))\(value)\(pick(space))")
            }
            let rotation = members.isEmpty ? 0 : pick(Array(members.indices))  // members in another order
            let text = pick(space) + "{" + (members[rotation...] + members[..<rotation]).joined(separator: ",") + "}" + pick(space)
            guard let read = quick(text, model: model) else { continue }
            taken += 1
            let expected = try general(text, model: model).get()
            #expect(read.0 == expected.0 && read.1 == expected.1 && read.2 == expected.2, "\(text)")
        }
        #expect(taken > 20, "too few messages taken to compare: \(taken)")
    }
}
