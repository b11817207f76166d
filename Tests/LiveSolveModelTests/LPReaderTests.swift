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

@Test func aNumberGluedToANameIsItsCoefficient() throws {
    let model = try LPReader.read("""
    maximize
     obj: 3x + 2.5x1 - 2y + 1e1z + .5w + 5.v + 2ex
    subject to
     c: -2x + 1e-1x1 + 2E+0y <= 4
    bounds
     -1e1<=x<=2.5e0
     y>=-2
    end
    """)
    let p = model.program
    #expect(model.columns.names == ["x", "x1", "y", "z", "w", "v", "ex"])
    #expect(p.objective == [3, 2.5, -2, 10, 0.5, 5, 2])
    #expect(p.matrix.value(row: 0, col: 0) == -2)
    #expect(p.matrix.value(row: 0, col: 1) == 0.1)
    #expect(p.matrix.value(row: 0, col: 2) == 2)
    #expect(p.columnLower[0] == -10 && p.columnUpper[0] == 2.5)
    #expect(p.columnLower[2] == -2)
}

/// A name may not begin with a digit: where a name must stand, such text is refused with its line and column.
@Test(arguments: [
    ("max\n obj: x\nst\n c: x <= 4\ngeneral\n 3x\nend\n", "line 6, column 2", #"a name may not begin with a digit: "3x" (write "3 x" for 3 times x, or rename the variable)"#),
    ("max\n obj: x\nst\n 2c: x <= 4\nend\n", "line 4, column 2", #"a name may not begin with a digit: "2c" (rename the constraint)"#),
    ("max\n obj: x\nst\n c: x <= 4\n 1: x >= 0\nend\n", "line 5, column 2", #"a name may not begin with a digit: "1" (rename the constraint)"#),
    ("max\n 1obj: x\nst\n c: x <= 4\nend\n", "line 2, column 2", #"a name may not begin with a digit: "1obj" (rename the objective)"#),
    ("min\n obj: +3.2 1 + 2 x\nst\n c: x >= 1\nend\n", "line 2, column 12", #"a name may not begin with a digit: "1" (rename the variable)"#),
    ("min\n obj: 2 3x\nst\n c: x >= 1\nend\n", "line 2, column 9", #"a name may not begin with a digit: "3x" (write "3 x" for 3 times x, or rename the variable)"#),
    ("min\n obj: x + ...100\nst\n c: x >= 1\nend\n", "line 2, column 11", #"a name may not begin with a period: "...100" (rename it)"#),
    ("min\n obj: x + 1.2.3 y\nst\n c: x >= 1\nend\n", "line 2, column 11", #"malformed number "1.2.3""#),
    ("max\n obj: x\nst\n c: x <= 4\nbounds\n 2x <= 6\nend\n", "line 6, column 2", #"a bound takes no coefficient: "2x" is 2 times x (write the bound on x alone; a name may not begin with a digit)"#),
    ("max\n obj: x\nst\n c: x <= 4\nbounds\n x <= 3y\nend\n", "line 6, column 7", #"a bound takes no coefficient: "3y" is 3 times y (write the bound on y alone; a name may not begin with a digit)"#),
    ("max\n obj: x\nst\n c: x <= 4\nbounds\n 12 free\nend\n", "line 6, column 2", #"a name may not begin with a digit: "12" (rename the variable)"#),
    ("max\n obj: [ x ^ 2 ]\nst\n c: x <= 4\nend\n", "line 2, column 7", #"quadratic terms ("[ ... ]") are not supported: LiveSolve solves linear models"#),
    ("max\n obj: 2 * x\nst\n c: x <= 4\nend\n", "line 2, column 9", #"unexpected character "*""#),
])
func aNameThatBeginsWithADigitIsRefusedWhereItStands(text: String, at: String, reason: String) {
    #expect(throws: ModelError(.invalidModel, at: at, reason)) { try LPReader.read(text) }
}

/// Sections LiveSolve cannot solve are refused by name, at their keyword.
@Test(arguments: [
    ("semi-continuous", "semi-continuous"), ("Semis", "semi-continuous"), ("semi", "semi-continuous"),
    ("SOS", "SOS"), ("sos2", "SOS"), ("General Constraints", "general constraints"), ("gen cons", "general constraints"),
    ("GenCons", "general constraints"), ("lazy constraints", "lazy constraints"), ("User Cuts", "user cuts"),
])
func anUnsupportedSectionIsRefusedByName(keyword: String, section: String) {
    let text = "max\n obj: x + y\nst\n c: x + y <= 4\n\(keyword)\n x\nend\n"
    let reason = "the \(section) section is not supported: LiveSolve reads continuous, integer and binary variables and linear constraints"
    #expect(throws: ModelError(.invalidModel, at: "line 5, column 1", reason)) { try LPReader.read(text) }
}

@Test func aKeywordFollowedByAColonNamesARow() throws {
    let model = try LPReader.read("max\n obj: x\nst\n sos: x <= 4\n semi: x <= 5\n free: x >= 1\nend\n")
    #expect(model.rows.names == ["sos", "semi", "free"])
}

@Test func anEmptyLeftSideIsARowWithNoTerms() throws {
    let model = try LPReader.read("min\n obj: x\nst\n c: x >= 1\n empty: <= 3\nend\n")
    #expect(model.rows.names == ["c", "empty"])
    #expect(model.program.rowUpper == [.infinity, 3])
    #expect(model.program.matrix.nonzeroCount == 1)
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
