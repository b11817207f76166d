import Foundation
import LiveSolveClient
import LiveSolveModel
import LiveSolveServer
import Logging
import NIOPosix
import Testing
import TestSupport

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real server on a free loopback port with real worker processes.
struct TestServer {
    let server: Server
    var port: Int { server.port }

    static func start(workers: Int = 2,
                      configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> TestServer {
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.workerCount = workers
        configuration.workerExecutable = TestData.livesolveExecutable
        configuration.publicFolder = TestData.repositoryRoot.appendingPathComponent("Public").path
        // Durable, as `serve` is by default, each server on a file of its own.
        configuration.storagePath = temporaryStorePath()
        configure(&configuration)
        var logger = Logger(label: "test-server")
        logger.logLevel = ProcessInfo.processInfo.environment["LIVESOLVE_TEST_LOG"].flatMap { Logger.Level(rawValue: $0) } ?? .error
        // One loop for the coordinator and every connection, as `livesolve serve` runs.
        return TestServer(server: try await Server.start(configuration: configuration, logger: logger, group: serverLoop))
    }

    func connect() async throws -> QueuedStreamClient { try await QueuedStreamClient.connect(port: port) }

    /// One HTTP request; returns the status and the body.
    func http(_ method: String, _ path: String, body: String? = nil, contentType: String? = "application/json") async throws -> (Int, String) {
        let (response, text) = try await httpResponse(method, path, body: body, contentType: contentType)
        return (response.statusCode, text)
    }

    /// The whole response, headers included.
    func httpResponse(_ method: String, _ path: String, body: String? = nil, contentType: String? = "application/json") async throws -> (HTTPURLResponse, String) {
        try await LiveSolveServerTests.httpResponse(port: port, method, path, body: body, contentType: contentType)
    }

    func json(_ method: String, _ path: String, body: String? = nil) async throws -> (Int, JSON) {
        let (status, text) = try await http(method, path, body: body)
        return (status, (try? JSONParser.parse(text)) ?? .null)
    }

    func stop() async { await server.shutdown() }
}

/// A path for a store file no other server uses, in a folder of its own.
func temporaryStorePath() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("livesolve-test-\(UUID().uuidString)/livesolve.sqlite").path
}

/// One HTTP request to a server on `port` (in this process or a `livesolve serve` child): the
/// whole response, headers included, and its body.
func httpResponse(port: Int, _ method: String, _ path: String, body: String? = nil,
                  contentType: String? = "application/json", headers: [String: String] = [:]) async throws -> (HTTPURLResponse, String) {
    var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
    request.httpMethod = method
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    request.timeoutInterval = 60
    if let body {
        request.httpBody = Data(body.utf8)
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
    }
    let (data, response) = try await URLSession.shared.data(for: request)
    return (response as! HTTPURLResponse, String(decoding: data, as: UTF8.self))
}

/// Runs blocking work (a plain socket's reads) on a thread of its own. On the tests' cooperative
/// threads (two, on two cores) it would starve the servers' own tasks until it timed out.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// Runs a tool (openssl, curl, mount) to its end; its output, or an error naming the command
/// and what it printed when it exits non-zero.
@discardableResult
func runTool(_ executable: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw TestFailure(description: "\(executable) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(text)")
    }
    return text
}

/// One unlabelled metric of a server on `port`, from `/metrics`; nil when it is not there.
func metric(_ name: String, port: Int) async throws -> Double? {
    let (_, text) = try await httpResponse(port: port, "GET", "/metrics")
    let line = text.split(separator: "\n").first { $0.hasPrefix(name + " ") }
    return line.flatMap { Double($0.split(separator: " ").last ?? "") }
}

/// A GET to a server on `port`: its status and its body as JSON (null when it is not).
func httpResponseJSON(port: Int, _ path: String) async throws -> (Int, JSON) {
    let (response, text) = try await httpResponse(port: port, "GET", path)
    return (response.statusCode, (try? JSONParser.parse(text)) ?? .null)
}

/// Runs the `livesolve` executable, as a user would, for at most `seconds` (then it is stopped);
/// returns its exit status and what it printed.
func runLivesolve(_ arguments: [String], seconds: Double = 30, environment: [String: String] = [:]) async throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: TestData.livesolveExecutable)
    process.arguments = arguments
    if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    // Poll, not waitUntilExit: a blocked cooperative thread would starve the in-process server's handlers.
    for _ in 0..<Int(seconds * 20) where process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
    if process.isRunning { process.terminate() }
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, text)
}

/// Starts `livesolve serve` on a free port with two workers, as a user would; returns it, its
/// output and the port from the one line with the URL.
func startServeProcess(storagePath: String = temporaryStorePath(), arguments: [String] = []) throws -> (Process, Pipe, Int) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: TestData.livesolveExecutable)
    process.arguments = ["serve", "--http-port", "0", "--workers-count", "2", "--public-folder", TestData.repositoryRoot.appendingPathComponent("Public").path,
                         "--storage-path", storagePath] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    var log = ""
    var port: Int?
    let deadline = Date().addingTimeInterval(20)
    while port == nil, Date() < deadline {
        let chunk = output.fileHandleForReading.availableData
        log += String(decoding: chunk, as: UTF8.self)
        if let range = log.range(of: #"listening on https?://[0-9.]+:(\d+)/"#, options: .regularExpression) {
            port = Int(log[range].split(separator: ":").last!.dropLast())
        }
    }
    guard let port else {
        process.terminate()
        throw TestFailure(description: "no URL line in: \(log)")
    }
    return (process, output, port)
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
}

/// The tests' servers run on one event loop, as `livesolve serve` does.
let serverLoop = MultiThreadedEventLoopGroup(numberOfThreads: 1)

/// A subscriber's view of a model's maps, rebuilt from full snapshots and deltas.
struct ReconstructedSolution {
    var maps: [String: [String: Double]] = [:]
    /// `costRanges`, `rhsRanges` and `parameterRanges`: each entry `[down, up]` as sent; a
    /// `null` entry removes one.
    var bands: [String: [String: JSON]] = [:]
    static let bandFields = ["costRanges", "rhsRanges", "parameterRanges"]
    var objective: Double?
    var seq = -1
    var messages = 0

    mutating func apply(_ message: JSON) {
        guard case .string("solution")? = message["type"] else { return }
        messages += 1
        if case .number(let s)? = message["seq"] { seq = Int(s) }
        if case .number(let o)? = message["objective"] { objective = o }
        let isFull = message["full"] == .bool(true)
        for field in ["values", "duals", "reducedCosts", "rowActivities"] {
            guard case .object(let entries)? = message[field] else { continue }
            if isFull { maps[field] = [:] }
            for (name, value) in entries {
                if case .number(let v) = value { maps[field, default: [:]][name] = v }
            }
        }
        for field in Self.bandFields {
            guard case .object(let entries)? = message[field] else { continue }
            if isFull { bands[field] = [:] }
            for (name, value) in entries { bands[field, default: [:]][name] = value == .null ? nil : value }
        }
    }

    /// Bit-for-bit equality of every map with a full solution.
    func equals(_ full: JSON, fields: [String]) -> Bool {
        for field in fields where Self.bandFields.contains(field) {
            guard case .object(let entries)? = full[field], let mine = bands[field], mine.count == entries.count else { return false }
            for (name, value) in entries where mine[name] != value { return false }
        }
        for field in fields where !Self.bandFields.contains(field) {
            guard case .object(let entries)? = full[field], let mine = maps[field], mine.count == entries.count else { return false }
            for (name, value) in entries {
                guard case .number(let v) = value, let m = mine[name], m.bitPattern == v.bitPattern else { return false }
            }
        }
        return true
    }
}

extension JSON {
    var string: String? { if case .string(let s) = self { s } else { nil } }
    var number: Double? { if case .number(let n) = self { n } else { nil } }
}

/// The refinery example's document; a test that creates it from a checkout without it fails at the create.
let refineryDocument = (try? TestData.text(TestData.repositoryRoot.appendingPathComponent("Public/examples/refinery.json"))) ?? "missing Public/examples/refinery.json"

extension QueuedStreamClient {
    /// Creates the refinery example over this connection; returns the new model's id.
    func createRefinery(sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        try #require(await request(#"{"op":"create","model":\#(refineryDocument)}"#)?["model"]?.string, sourceLocation: sourceLocation)
    }
}
