import CommandSupport
import LiveSolveModel

/// A recorded feed from `bench/streams/`: a header line, then one objective update per step
/// with the objective expected after it.
struct PriceStream {
    struct Step {
        var update: JSON
        var expect: Double
    }

    var name: String
    var source: String
    var steps: [Step]

    static func read(_ path: String) throws -> PriceStream {
        let lines = try ModelFile.text(at: path).split(separator: "\n", omittingEmptySubsequences: true)
        guard let first = lines.first else { throw ModelFile.Failure(description: "\(path): empty stream") }
        let header = try JSONParser.parse(String(first))
        guard case .string(let source)? = header["source"] else { throw ModelFile.Failure(description: "\(path): header has no source") }
        let name: String = if case .string(let n)? = header["model"] { n } else { ModelFile.baseName(source) }
        var steps: [Step] = []
        for (i, line) in lines.dropFirst().enumerated() {
            let json = try JSONParser.parse(String(line))
            guard let objective = json["objective"], case .number(let expect)? = json["expect"] else {
                throw ModelFile.Failure(description: "\(path): line \(i + 2) lacks objective or expect")
            }
            steps.append(Step(update: .object([("objective", objective)]), expect: expect))
        }
        return PriceStream(name: name, source: source, steps: steps)
    }

    /// Whether `objective` is within 1e-6 relative (1e-9 absolute) of `expect`, as WORKLOAD.md asks.
    static func matches(_ objective: Double, _ expect: Double) -> Bool {
        abs(objective - expect) <= max(1e-6 * abs(expect), 1e-9)
    }
}
