import LiveSolveModel
import Testing
import TestSupport

private func resolve(_ text: String, on model: Model) throws(ModelError) -> ModelDelta {
    let json = try! JSONParser.parse(text)
    return try UpdateResolver(model: model).resolve(json)
}

@Test func parameterUpdateMovesEveryBoundSite() throws {
    var model = try TestData.example("refinery")
    let delta = try resolve(#"{ "parameters": { "price[gasoline]": 2.5, "capacity[distillation]": 100 } }"#, on: model)
    let gasoline = Int32(model.columns.index(of: "make[gasoline]")!)
    let distillation = Int32(model.rows.index(of: "distillation")!)
    #expect(delta.objective == [gasoline: 105])
    #expect(delta.rowUpper == [distillation: 100])
    #expect(delta.kind == .objectiveAndBounds)
    model.apply(delta)
    #expect(model.program.objective[Int(gasoline)] == 105)
    #expect(model.parameters.values[model.parameters.names.index(of: "price[gasoline]")!] == 2.5)
}

@Test func directUpdatesOfEachKind() throws {
    let model = try TestData.example("refinery")
    let delta = try resolve(#"""
    { "objective": { "crack[heavy]": -4 }, "rowBounds": { "balance[jet]": [null, 1] },
      "colBounds": { "crude[light]": { "upper": 80 } },
      "coefficients": [ { "row": "cracker", "col": "crude[heavy]", "value": 0.5 } ] }
    """#, on: model)
    #expect(delta.objective == [6: -4])
    #expect(delta.rowLower == [4: -.infinity])
    #expect(delta.rowUpper == [4: 1])
    #expect(delta.columnUpper == [0: 80])
    #expect(delta.columnLower.isEmpty)
    #expect(delta.coefficients == [MatrixEntry(row: 1, col: 1): 0.5])
    #expect(delta.kind == .matrix)
}

@Test(arguments: [
    (#"{ "objective": { "x[diesel]": 1 } }"#, ErrorCode.unknownVariable, #"objective: unknown variable "x[diesel]""#),
    (#"{ "rowBounds": { "nope": [0, 1] } }"#, .unknownRow, #"rowBounds: unknown row "nope""#),
    (#"{ "parameters": { "price[gold]": 1 } }"#, .unknownParameter, #"parameters: unknown parameter "price[gold]""#),
    (#"{ "objective": { "crack[heavy]": "cheap" } }"#, .invalidValue, #"objective["crack[heavy]"]: expected a finite number, found a string"#),
    (#"{ "objective": { "crack[heavy]": 1e999 } }"#, .invalidValue, #"objective["crack[heavy]"]: number out of range"#),
    (#"{ "objective": { "make[jet]": 3 } }"#, .invalidValue, #"objective["make[jet]"]: the objective coefficient of "make[jet]" is bound to parameter "price[jet]"; update the parameter instead"#),
    (#"{ "colBounds": { "crude[light]": [5, 3] } }"#, .invalidValue, #"colBounds["crude[light]"]: lower bound 5 exceeds upper bound 3"#),
    (#"{ "colBounds": { "crude[light]": true } }"#, .invalidValue, #"colBounds["crude[light]"]: expected [lower, upper] or {"lower", "upper"}, found a boolean"#),
    (#"{ "coefficients": [ { "row": "cracker", "col": "zzz", "value": 1 } ] }"#, .unknownVariable, #"coefficients[0].col: unknown variable "zzz""#),
    (#"{ "objective": { "crack[heavy]": 1e25 } }"#, .invalidValue, #"objective["crack[heavy]"]: objective coefficient 1e+25 is beyond the solver's range (magnitude up to 1e+20)"#),
    (#"{ "colBounds": { "crude[light]": [1e308, null] } }"#, .invalidValue, #"colBounds["crude[light]"].lower: lower bound 1e+308 is beyond the solver's range (below 1e+30)"#),
    (#"{ "rowBounds": { "balance[jet]": { "upper": -1e100 } } }"#, .invalidValue, #"rowBounds["balance[jet]"].upper: upper bound -1e+100 is beyond the solver's range (above -1e+30)"#),
    (#"{ "coefficients": [ { "row": "cracker", "col": "crude[heavy]", "value": -2e20 } ] }"#, .invalidValue, #"coefficients[0].value: coefficient -2e+20 is beyond the solver's range (magnitude up to 1e+20)"#),
    (#"{ "parameters": { "price[gasoline]": 1e19 } }"#, .invalidValue, #"parameters["price[gasoline]"]: sets the objective coefficient of "make[gasoline]": objective coefficient 4.2e+20 is beyond the solver's range (magnitude up to 1e+20)"#),
    (#"{ "objective": {} }"#, .badMessage, "an update needs at least one entry in parameters, objective, rowBounds, colBounds or coefficients"),
    (#"{ "objective": [1] }"#, .badMessage, "objective: expected an object, found an array"),
])
func invalidUpdatesAreRejectedWhole(text: String, code: ErrorCode, message: String) throws {
    let model = try TestData.example("refinery")
    // A good entry in another field beside the bad one: the whole update is still rejected.
    let good = text.contains("colBounds") ? #""objective": { "crack[heavy]": -4 }"# : #""colBounds": { "crude[heavy]": [0, 100] }"#
    let withGood = "{ \(good), " + text.dropFirst(2)
    for candidate in code == .badMessage && text.contains("{}") ? [text] : [text, withGood] {
        do {
            _ = try resolve(candidate, on: model)
            Issue.record("accepted \(candidate)")
        } catch {
            #expect(error.code == code)
            #expect(error.message == message)
        }
    }
}

/// Bounds far out are infinite to the solver and objective coefficients up to its limit are
/// accepted: only the numbers that abort it are refused (`SolverRange`).
@Test func numbersAtTheEdgeOfTheSolversRangeAreAccepted() throws {
    let model = try TestData.example("refinery")
    let delta = try resolve(#"{ "objective": { "crack[heavy]": -1e20 }, "colBounds": { "crude[light]": [-1e308, 1e308] }, "rowBounds": { "balance[jet]": [-1e29, 1e29] }, "coefficients": [ { "row": "cracker", "col": "crude[heavy]", "value": 1e20 } ] }"#, on: model)
    #expect(delta.coefficients == [MatrixEntry(row: 1, col: 1): 1e20])
    #expect(delta.objective == [6: -1e20])
    #expect(delta.columnLower == [0: -1e308])
    #expect(delta.columnUpper == [0: 1e308])
    #expect(delta.rowUpper == [4: 1e29])
}

@Test func aBoundDrivenByAParameterMayCrossWithoutError() throws {
    let model = try TestData.example("refinery")
    // make[jet]'s upper bound is demand[jet]; a negative demand makes the model infeasible, not invalid.
    let delta = try resolve(#"{ "parameters": { "demand[jet]": -1 } }"#, on: model)
    #expect(delta.columnUpper == [4: -1])
}

@Test func deltasMergeLastWriteWins() {
    var first = ModelDelta()
    first.objective = [1: 1, 2: 2]
    first.rowUpper = [0: 5]
    var second = ModelDelta()
    second.objective = [2: 20, 3: 30]
    second.coefficients = [MatrixEntry(row: 0, col: 1): 7]
    first.merge(second)
    #expect(first.objective == [1: 1, 2: 20, 3: 30])
    #expect(first.rowUpper == [0: 5])
    #expect(first.coefficients == [MatrixEntry(row: 0, col: 1): 7])
    #expect(first.kind == .matrix)
}

@Test func revertingAnUpdateRestoresTheModel() throws {
    let model = try TestData.example("refinery")
    let delta = try resolve(#"""
    { "parameters": { "price[gasoline]": 2.5 }, "objective": { "crack[heavy]": -4 },
      "rowBounds": { "balance[jet]": [null, 1] }, "colBounds": { "crude[light]": { "upper": 80, "lower": 1 } },
      "coefficients": [ { "row": "cracker", "col": "crack[heavy]", "value": 0.5 } ] }
    """#, on: model)
    var changed = model
    changed.apply(delta)
    #expect(changed != model)
    changed.apply(model.reverting(delta))
    #expect(changed == model)
}
