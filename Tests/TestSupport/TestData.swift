import CSupport
import Foundation
import LiveSolveModel

/// Where the test inputs are: `Benchmarks/` in the repository (see its README).
public enum TestData {
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let benchmarks = repositoryRoot.appendingPathComponent("Benchmarks")
    public static let netlib = benchmarks.appendingPathComponent("data/netlib")
    public static let streams = benchmarks.appendingPathComponent("streams")

    /// A file that could not be read or is not what it should be: the test that needs it fails naming it; no other test is lost.
    public struct UnreadableFile: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot read \(path): \(reason)" }
    }

    /// A file's text, gunzipped when compressed.
    public static func text(_ url: URL) throws -> String {
        var length = 0
        guard let buffer = ls_read_file(url.path, &length) else {
            throw UnreadableFile(path: url.path, reason: String(cString: strerror(errno)))
        }
        defer { free(buffer) }
        return String(decoding: UnsafeRawBufferPointer(start: buffer, count: length), as: UTF8.self)
    }

    /// A file under `Benchmarks/`, e.g. `data/netlib/afiro.mps.gz`.
    public static func benchmarkText(_ relative: String) throws -> String {
        try text(benchmarks.appendingPathComponent(relative))
    }

    public static func netlibModel(_ name: String) throws -> Model {
        try MPSReader.read(text(netlib.appendingPathComponent("\(name).mps.gz")))
    }

    public static func example(_ name: String) throws -> Model {
        try JSONModelReader.read(text(repositoryRoot.appendingPathComponent("Public/examples/\(name).json")))
    }

    /// One row of optima.tsv.
    public struct Optimum: Sendable, CustomStringConvertible {
        public var name: String
        public var rows: Int
        public var columns: Int
        public var nonzeros: Int
        /// The reference objective: CLP's, or HiGHS's where CLP's own is known to be off (pilot87).
        public var objective: Double
        public var description: String { name }
    }

    /// The rows of optima.tsv; none when it cannot be read, which `optimaAreReadable` reports.
    public static let optima: [Optimum] = (try? readOptima()) ?? []

    public static func readOptima() throws -> [Optimum] {
        let lines = try text(netlib.appendingPathComponent("optima.tsv")).split(separator: "\n")
        let header = lines[0].split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        func column(_ name: String) -> Int { header.firstIndex(of: name)! }
        return lines.dropFirst().map { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            let agree = f[column("clp_highs_agree")] == "yes"
            return Optimum(
                name: f[column("name")], rows: Int(f[column("rows")])!, columns: Int(f[column("cols")])!,
                nonzeros: Int(f[column("nnz")])!,
                objective: Double(f[column(agree ? "clp_objective" : "highs_objective")])!)
        }
    }

    /// Within 1e-6 relative (1e-9 absolute), WORKLOAD.md's tolerance.
    public static func matches(_ value: Double, _ expected: Double, relative: Double = 1e-6) -> Bool {
        abs(value - expected) <= max(relative * abs(expected), 1e-9)
    }

    /// A stream's steps: each an `update` object (objective only) and its expected objective.
    public static func stream(_ name: String) throws -> (source: String, steps: [(update: JSON, expect: Double)]) {
        try stream(at: streams.appendingPathComponent("\(name).jsonl.gz"))
    }

    /// A MIP benchmark's price stream, `Benchmarks/mip/NAME.jsonl`.
    public static func mipStream(_ name: String) throws -> (source: String, steps: [(update: JSON, expect: Double)]) {
        try stream(at: benchmarks.appendingPathComponent("mip/\(name).jsonl"))
    }

    /// A MIP benchmark's model, `Benchmarks/mip/NAME.lp`.
    public static func mipModel(_ name: String) throws -> Model {
        try LPReader.read(text(benchmarks.appendingPathComponent("mip/\(name).lp")))
    }

    /// One of the small MIPs of `Tests/mip/models/`, in the format its suffix names.
    public static func smallMIP(_ name: String, _ format: ModelFormat) throws -> Model {
        try format.read(text(repositoryRoot.appendingPathComponent("Tests/mip/models/\(name).\(format.rawValue)")))
    }

    private static func stream(at url: URL) throws -> (source: String, steps: [(update: JSON, expect: Double)]) {
        let name = url.lastPathComponent
        let lines = try text(url).split(separator: "\n")
        guard let first = lines.first else { throw UnreadableFile(path: name, reason: "empty") }
        let header = try JSONParser.parse(String(first))
        guard case .string(let source)? = header["source"] else { throw UnreadableFile(path: name, reason: "no source in the header") }
        let steps = try lines.dropFirst().map { line in
            let json = try JSONParser.parse(String(line))
            guard let objective = json["objective"], case .number(let expect)? = json["expect"] else {
                throw UnreadableFile(path: name, reason: "a step without objective and expect")
            }
            return (JSON.object([("objective", objective)]), expect)
        }
        return (source, steps)
    }

    /// The `livesolve` executable built beside the test binary.
    public static var livesolveExecutable: String {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("livesolve").path
    }
}
