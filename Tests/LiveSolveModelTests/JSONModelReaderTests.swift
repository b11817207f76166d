import LiveSolveModel
import Testing
import TestSupport

private func document(_ body: String) -> String {
    """
    { "name": "t", "sense": "max", "parameters": { "p": 2, "cap": 10 },
      "variables": [ { "name": "x" }, { "name": "y", "lower": null, "upper": "cap" }, { "name": "n", "upper": 8, "integer": true } ],
      \(body) }
    """
}

private func error(_ text: String) -> ModelError? {
    do { _ = try JSONModelReader.read(text); return nil } catch { return error }
}

@Test func readsTheProtocolExampleWithBindings() throws {
    let model = try TestData.example("refinery")
    #expect(model.name == "refinery")
    #expect(model.program.sense == .max)
    #expect(model.columnCount == 7)
    #expect(model.rowCount == 6)
    #expect(model.program.matrix.nonzeroCount == 18)
    let gasoline = model.columns.index(of: "make[gasoline]")!
    #expect(model.program.objective[gasoline] == 42 * 2.10)
    let price = model.parameters.names.index(of: "price[gasoline]")!
    #expect(model.parameters.bindings[.objective(col: gasoline)] == Binding(parameter: price, scale: 42))
    let jet = model.columns.index(of: "make[jet]")!
    #expect(model.program.columnUpper[jet] == 30)
}

@Test func boundsDefaultAsTheProtocolSays() throws {
    let model = try JSONModelReader.read(document(#""constraints": [ { "name": "free", "terms": { "x": 1 } }, { "name": "r", "terms": { "x": 1, "y": "p" }, "lower": 1 } ]"#))
    #expect(model.program.columnLower == [0, -.infinity, 0])
    #expect(model.program.columnUpper == [.infinity, 10, 8])
    #expect(model.program.isInteger == [false, false, true])
    #expect(model.program.rowLower == [-.infinity, 1])
    #expect(model.program.rowUpper == [.infinity, .infinity])
    #expect(model.program.matrix.value(row: 1, col: 1) == 2)
}

@Test func unknownVariableNamesItsJSONPath() {
    let e = error(document(#""constraints": [ { "name": "a", "terms": { "x": 1 } }, { "name": "b", "terms": { "x[9]": 1 } } ]"#))
    #expect(e?.code == .invalidModel)
    #expect(e?.message == #"constraints[1].terms["x[9]"]: unknown variable "x[9]""#)
}

@Test func duplicateVariableNamesTheLaterOccurrence() {
    let e = error(#"{ "variables": [ { "name": "y" }, { "name": "z" }, { "name": "y" } ] }"#)
    #expect(e?.message == #"variables[2].name: duplicate variable "y""#)
}

@Test func unknownParameterInAValue() {
    let e = error(document(#""objective": { "terms": { "x": { "param": "q", "scale": 2 } } }"#))
    #expect(e?.message == #"objective.terms["x"]: unknown parameter "q""#)
}

@Test func literalBoundsThatCrossAreAnError() {
    let e = error(#"{ "variables": [ { "name": "x", "lower": 5, "upper": 3 } ] }"#)
    #expect(e?.message == "variables[0].lower: lower bound 5 exceeds upper bound 3")
}

@Test func wrongTypesAndUnknownFieldsAreNamed() {
    #expect(error(#"{ "sense": "up" }"#)?.message == #"sense: expected "min" or "max""#)
    #expect(error(#"{ "variables": [ { "name": "x", "lower": true } ] }"#)?.message
        == #"variables[0].lower: expected a number, a parameter name or {"param", "scale"}, found a boolean"#)
    #expect(error(#"{ "colour": 1 }"#)?.message == #"colour: unknown field "colour""#)
    #expect(error(#"{ "parameters": { "p": "high" } }"#)?.message == #"parameters["p"]: expected a finite number, found a string"#)
}

@Test func syntaxErrorsGiveLineAndColumn() {
    let e = error("{\n  \"name\": \"x\",\n  oops }")
    #expect(e?.message == "line 3, column 3: expected a string key")
}

@Test func canonicalDocumentRoundTrips() throws {
    let model = try TestData.example("refinery")
    let again = try JSONModelReader.read(JSONModelWriter.write(model))
    #expect(again == model)
}
