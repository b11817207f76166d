import LiveSolveModel
import Testing
import TestSupport

@Test func lpWriterEscapesWhatTheReaderWillNotTake() throws {
    let model = try MPSReader.read("""
    NAME rt
    ROWS
     N obj
     L c1
     E 1row
     G c3
     L c4
    COLUMNS
     x-1 obj 1.5 c1 1
     x-1 1row 2
     2y obj -1e-05 c3 1
     end 1row 1
     .5 c4 1
     e24 c4 1
     _2y c1 1
     lonely c4 0
    RHS
     rhs obj 3 c1 4
     rhs 1row 1 c3 -2
    RANGES
     rng c1 1
    BOUNDS
     FR b 2y
     UP b end 7
     FX b lonely 2
    ENDATA
    """)
    let again = try LPReader.read(LPWriter.write(model))
    // 2y would be _2y, which the model already has: valid names stay, escaped ones take a suffix.
    #expect(again.columns.names == ["x_1", "_2y_2", "_end", "_.5", "_e24", "_2y", "lonely"])
    #expect(again.rows.names == ["c1", "_1row", "c3", "c4"])
    #expect(again.program == model.program)
}

@Test func lpWriterWritesBracketsAsParentheses() throws {
    let model = try TestData.example("refinery")
    let text = LPWriter.write(model)
    #expect(text.contains(" distillation: + 1 crude(light) + 1 crude(heavy) <= 120\n"))
    let again = try LPReader.read(text)
    #expect(again.columns.names == model.columns.names.map { $0.replacing("[", with: "(").replacing("]", with: ")") })
    #expect(again.program == model.program)
}

/// Every Netlib model written as LP reads back to the same program: every number, bound and
/// entry, the columns in their order; names kept where the LP rules allow them.
@Test(arguments: TestData.optima)
func everyNetlibModelRoundTripsThroughTheLPWriter(_ reference: TestData.Optimum) throws {
    let model = try TestData.netlibModel(reference.name)
    let again = try LPReader.read(LPWriter.write(model))
    #expect(again.program == model.program)
    #expect(again.columns.count == model.columns.count && again.rows.count == model.rows.count)
    for (original, written) in zip(model.columns.names + model.rows.names, again.columns.names + again.rows.names) {
        let isValid = original.first.map { $0.isLetter && $0 != "e" && $0 != "E" || $0 == "_" } == true
            && original.allSatisfy { $0.isLetter || $0.isNumber || "._()".contains($0) }
        if isValid { #expect(written == original) }
    }
}

@Test(arguments: ["refinery", "portfolio", "transport"])
func everyExampleRoundTripsThroughTheLPWriter(_ name: String) throws {
    let model = try TestData.example(name)
    #expect(try LPReader.read(LPWriter.write(model)).program == model.program)
}
