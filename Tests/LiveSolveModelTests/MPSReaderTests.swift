import LiveSolveModel
import Testing

private let fixed = """
NAME          TESTLP
* a comment
OBJSENSE
    MAX
ROWS
 N  COST
 L  LIM1
 G  LIM2
 E  MYEQN
 E  MYEQN2
 L  R5
COLUMNS
    X ONE     COST               1.0   LIM1               1.0
    X ONE     LIM2               1.0
    MARKER                 'MARKER'                 'INTORG'
    YTWO      COST               2.0   LIM1               1.0
    YTWO      MYEQN             -1.0
    MARKER                 'MARKER'                 'INTEND'
    ZTHREE    COST              -1.0   MYEQN2             1.0
    ZTHREE    R5                 1.0
RHS
    RHS       COST              -7.5
    RHS       LIM1               4.0   LIM2               1.0
    RHS       MYEQN              7.0   MYEQN2             2.0
    RHS       R5                 6.0
RANGES
    RNG       LIM1               2.5   LIM2               3.0
    RNG       MYEQN              2.0   MYEQN2            -2.0
BOUNDS
 UP BND       X ONE              4.0
 MI BND       YTWO
 UP BND       YTWO               1.0
 BV BND       ZTHREE
ENDATA
"""

@Test func readsFixedFormatWithRangesMarkersAndBounds() throws {
    let model = try MPSReader.read(fixed)
    let p = model.program
    #expect(model.name == "TESTLP")
    #expect(p.sense == .max)
    #expect(model.columns.names == ["XONE", "YTWO", "ZTHREE"])
    #expect(model.rows.names == ["LIM1", "LIM2", "MYEQN", "MYEQN2", "R5"])
    #expect(p.objective == [1, 2, -1])
    // The RHS on the objective row is minus the objective constant (CLP's convention).
    #expect(p.objectiveConstant == 7.5)
    // RANGES: L → [rhs-|R|, rhs]; G → [rhs, rhs+|R|]; E with R>0 → [rhs, rhs+R]; E with R<0 → [rhs+R, rhs].
    #expect(p.rowLower == [1.5, 1, 7, 0, -.infinity])
    #expect(p.rowUpper == [4, 4, 9, 2, 6])
    #expect(p.isInteger == [false, true, true])
    #expect(p.columnLower == [0, -.infinity, 0])
    #expect(p.columnUpper == [4, 1, 1])
    #expect(p.matrix.nonzeroCount == 6)
}

@Test func readsFreeFormat() throws {
    let model = try MPSReader.read("""
    NAME free
    OBJSENSE MAX
    ROWS
     N obj
     L c1
    COLUMNS
     x obj 3 c1 1
     y obj 2 c1 1
    RHS
     rhs c1 4
    BOUNDS
     UP bnd x 3
     FR bnd y
     LI bnd x 1
    ENDATA
    """)
    #expect(model.program.sense == .max)
    #expect(model.program.rowUpper == [4])
    #expect(model.program.columnLower == [1, -.infinity])
    #expect(model.program.columnUpper == [3, .infinity])
    #expect(model.program.isInteger == [true, false])
}

@Test func negativeUpperBoundFreesTheLowerBoundLikeCLP() throws {
    let model = try MPSReader.read("NAME\nROWS\n N obj\nCOLUMNS\n x obj 1\nBOUNDS\n UP b x -2\nENDATA\n")
    #expect(model.program.columnLower == [-.infinity])
    #expect(model.program.columnUpper == [-2])
}

@Test func unknownBoundTypeIsAClearError() {
    #expect(throws: ModelError(.invalidModel, at: "line 7, column 2", #"unknown bound type "SC" (expected UP, LO, FX, FR, MI, PL, BV, LI or UI)"#)) {
        try MPSReader.read("NAME\nROWS\n N obj\nCOLUMNS\n x obj 1\nBOUNDS\n SC b x 2\nENDATA\n")
    }
}

@Test func unknownRowIsAnErrorAtItsColumn() {
    #expect(throws: ModelError(.invalidModel, at: "line 5, column 4", #"unknown row "c9""#)) {
        try MPSReader.read("NAME\nROWS\n N obj\nCOLUMNS\n x c9 1\nENDATA\n")
    }
}

@Test func missingEndataIsAnError() {
    #expect(throws: ModelError(.invalidModel, at: "line 4, column 1", "missing ENDATA")) {
        try MPSReader.read("NAME\nROWS\n N obj\nCOLUMNS\n")
    }
}
