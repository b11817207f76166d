import CClp
import LiveSolveModel
import LiveSolveSolver
import Testing
import TestSupport

/// Every Netlib model: our MPS reader against CLP's own, and a cold solve against optima.tsv.
@Suite(.serialized) struct NetlibOracleTests {
    /// The Netlib tests take their cases from optima.tsv: with it unreadable they would run none.
    @Test func theReferenceOptimaAreReadable() throws {
        #expect(try TestData.readOptima().count == 91)
    }

    @Test(arguments: TestData.optima)
    func mpsReaderMatchesCLPAndSolvesToTheReferenceOptimum(_ reference: TestData.Optimum) throws {
        let path = TestData.netlib.appendingPathComponent("\(reference.name).mps.gz").path
        let clp = Clp_newModel()
        defer { Clp_deleteModel(clp) }
        Clp_setLogLevel(clp, 0)
        #expect(Clp_readMps(clp, path, 1, 0) == 0)

        let model = try TestData.netlibModel(reference.name)
        #expect(model.rowCount == Int(Clp_numberRows(clp)))
        #expect(model.columnCount == Int(Clp_numberColumns(clp)))
        #expect(model.program.matrix.nonzeroCount == Int(Clp_getNumElements(clp)))
        #expect(model.rowCount == reference.rows)
        #expect(model.columnCount == reference.columns)

        let result = try ClpSolver(program: model.program).solve(limits: SolveLimits())
        #expect(result.status == .optimal)
        #expect(TestData.matches(result.objective, reference.objective), "\(result.objective) vs \(reference.objective)")
    }
}
