import LiveSolveModel
import Testing

@Test func readsTheCPLEXLPFormat() throws {
    let model = try LPReader.read(#"""
    \ a comment
    Maximize
     profit: 3 x + 2 y
       - z + 5
    Subject To
     c1: x + y <= 4
     c2: x + 3 y >= 2 + z - 1
     c3: 2 x =< 3 - y
     c4: - x - y => -10
     r1: -2 <= x - z <= 8
     5 x = 10
    Bounds
     x <= 3
     -inf <= y <= +infinity
     z free
     1 <= w <= 2
    General
     w
    Binary
     b
    End
    """#)
    let p = model.program
    #expect(p.sense == .max)
    #expect(model.columns.names == ["x", "y", "z", "w", "b"])
    #expect(p.objective == [3, 2, -1, 0, 0])
    #expect(p.objectiveConstant == 5)
    #expect(model.rows.names == ["c1", "c2", "c3", "c4", "r1", "c6"])
    // c2: x + 3y - z >= 1; c3: 2x + y <= 3; r1 ranged; c6 unnamed (the sixth row).
    #expect(p.rowLower == [-.infinity, 1, -.infinity, -10, -2, 10])
    #expect(p.rowUpper == [4, .infinity, 3, .infinity, 8, 10])
    #expect(p.matrix.value(row: 1, col: 2) == -1)
    #expect(p.matrix.value(row: 2, col: 1) == 1)
    #expect(p.columnLower == [0, -.infinity, -.infinity, 1, 0])
    #expect(p.columnUpper == [3, .infinity, .infinity, 2, 1])
    #expect(p.isInteger == [false, false, false, true, true])
}

@Test func lpErrorsGiveLineAndColumn() {
    #expect(throws: ModelError(.invalidModel, at: "line 5, column 2", "expected a right-hand side in constraint \"c1\"")) {
        try LPReader.read("min\n obj: x\nst\n c1: x + y <=\n c2: x >= 1\nend\n")
    }
    #expect(throws: ModelError(.invalidModel, at: "line 1, column 1", "expected minimize or maximize")) {
        try LPReader.read("subjectto\n")
    }
    #expect(throws: ModelError(.invalidModel, at: "line 4, column 8", "expected '+' or '-' between terms")) {
        try LPReader.read("min\n obj: x\nst\n c1: x y >= 1\nend\n")
    }
}

@Test func lpWriterRoundTripsTheNumbers() throws {
    let model = try MPSReader.read("""
    NAME rt
    ROWS
     N obj
     L c1
     E c2
     G c3
     L c4
    COLUMNS
     x-1 obj 1.5 c1 1
     x-1 c2 2
     2y obj -1e-05 c3 1
     end c2 1
     lonely c4 0
    RHS
     rhs obj 3 c1 4
     rhs c2 1 c3 -2
    RANGES
     rng c1 1
    BOUNDS
     FR b 2y
     UP b end 7
     FX b lonely 2
    ENDATA
    """)
    let text = LPWriter.write(model)
    let again = try LPReader.read(text)
    #expect(again.program.sense == model.program.sense)
    #expect(again.program.objectiveConstant == model.program.objectiveConstant)
    #expect(again.columns.names == ["x_1", "2y", "_end", "lonely"])
    #expect(again.program.objective == model.program.objective)
    #expect(again.program.columnLower == model.program.columnLower)
    #expect(again.program.columnUpper == model.program.columnUpper)
    #expect(again.program.rowLower == model.program.rowLower)
    #expect(again.program.rowUpper == model.program.rowUpper)
    #expect(again.program.matrix == model.program.matrix)
}

/// Every reader builds through one check: a number that would abort the solver is `invalid_model`
/// naming its variable or row, in every format.
@Test(arguments: [
    (ModelFormat.lp, "max\n obj: 1e25 x\nst\n c: x <= 1\nend\n", #"variable "x": objective coefficient 1e+25 is beyond the solver's range (magnitude up to 1e+20)"#),
    (.lp, "min\n obj: x\nst\n c: x >= 1e100\nend\n", #"row "c": lower bound 1e+100 is beyond the solver's range (below 1e+30)"#),
    (.json, #"{"variables":[{"name":"x","lower":null,"upper":-1e300}],"objective":{"terms":{"x":1}}}"#, #"variable "x": upper bound -1e+300 is beyond the solver's range (above -1e+30)"#),
    (.json, #"{"parameters":{"p":1e15},"variables":[{"name":"x"}],"objective":{"terms":{"x":{"param":"p","scale":1e10}}}}"#, #"variable "x": objective coefficient 1e+25 is beyond the solver's range (magnitude up to 1e+20)"#),
    (.lp, "min\n obj: x\nst\n c: x - 1.5e20 y >= 1\nend\n", #"variable "y" in row "c": coefficient -1.5e+20 is beyond the solver's range (magnitude up to 1e+20)"#),
    (.mps, "NAME T\nROWS\n N obj\n L c\nCOLUMNS\n x obj 1e30 c 1\nRHS\n rhs c 1\nENDATA\n", #"variable "x": objective coefficient 1e+30 is beyond the solver's range (magnitude up to 1e+20)"#),
])
func numbersTheSolverCannotTakeAreRefusedInEveryFormat(format: ModelFormat, text: String, message: String) {
    do {
        _ = try format.read(text)
        Issue.record("accepted: \(text)")
    } catch {
        #expect(error.code == .invalidModel)
        #expect(error.message == message)
    }
}
