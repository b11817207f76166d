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

    private func quick(_ text: String, model: Model) -> (String, String?, ModelDelta)? {
        guard let update = QuickUpdateReader.read(text),
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
}
