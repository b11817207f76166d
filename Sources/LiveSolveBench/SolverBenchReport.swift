import LiveSolveModel

/// The figures `bench solver` prints.
struct SolverBenchReport {
    var model: String
    var mode: String
    var steps: Int
    var wrong: Int
    var coldMillis: Double
    var latencies: [Double]
    var solveMicros: [Double]
    var meanIterations: Double

    var json: String {
        JSONWriter.string(.object([
            ("model", .string(model)), ("mode", .string(mode)),
            ("steps", .number(Double(steps))), ("wrong", .number(Double(wrong))),
            ("cold_ms", .number(rounded(coldMillis, 3))),
            ("p50_us", .number(rounded(percentile(latencies, 50), 1))),
            ("p90_us", .number(rounded(percentile(latencies, 90), 1))),
            ("p99_us", .number(rounded(percentile(latencies, 99), 1))),
            ("mean_iterations", .number(rounded(meanIterations, 2))),
            ("solve_p50_us", .number(rounded(percentile(solveMicros, 50), 1))),
        ]))
    }

    var table: String {
        """
        model            \(model) (\(mode))
        steps            \(steps)
        wrong objectives \(wrong)
        cold solve       \(rounded(coldMillis, 3)) ms
        round trip p50   \(rounded(percentile(latencies, 50), 1)) µs
        round trip p90   \(rounded(percentile(latencies, 90), 1)) µs
        round trip p99   \(rounded(percentile(latencies, 99), 1)) µs
        solver's own p50 \(rounded(percentile(solveMicros, 50), 1)) µs
        mean iterations  \(rounded(meanIterations, 2))
        """
    }
}
