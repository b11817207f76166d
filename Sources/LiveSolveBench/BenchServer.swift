import CommandSupport
import CSupport
import Crypto
import Foundation
import LiveSolveClient
import LiveSolveModel

#if canImport(Glibc)
import Glibc
#endif

/// The server a network benchmark talks to: `--url`, or a `livesolve serve` child it starts on a free port.
final class BenchServer {
    let host: String
    private(set) var port: Int
    /// The child process, when this bench started the server (so its CPU and memory can be read).
    private(set) var process: Process?
    /// The child's stdin: it stops when this end closes, that is when the bench exits, however it
    /// exits (Ctrl-C, `timeout`, SIGKILL; see `ParentWatch`).
    private var lifeline: Pipe?
    /// The child's store: a file of its own, so a bench never measures models another run left
    /// behind. Nil for `--url`.
    let storePath: String?
    private let arguments: [String]
    /// The bearer token every bench connection sends, if any.
    let token: String?

    /// `withTokens`: the server started here gets a tokens file with one admin token, which every
    /// connection then sends (`--auth`); `token` is what to send to a server at `url`.
    init(url: String?, workers: Int?, token: String? = nil, withTokens: Bool = false, extraArguments: [String] = []) throws {
        if let url {
            let (host, port) = try serverAddress(url)
            (self.host, self.port, self.process, self.lifeline, self.storePath, self.arguments, self.token) = (host, port, nil, nil, nil, [], token)
            return
        }
        var extraArguments = extraArguments
        if withTokens {
            let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
            let digest = SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
            let file = NSTemporaryDirectory() + "livesolve-bench-tokens-\(UUID().uuidString).yaml"
            try "tokens:\n  - {name: bench, sha256: \(digest), role: admin}\n".write(toFile: file, atomically: true, encoding: .utf8)
            extraArguments += ["--auth-tokens-file", file]
            self.token = token
        } else {
            self.token = nil
        }
        let storePath = NSTemporaryDirectory() + "livesolve-bench-\(UUID().uuidString).sqlite"
        // No store at all unless the bench asks for one.
        let storage = ["--storage-path", storePath]
            + (extraArguments.contains("--storage-durability") ? [] : ["--storage-durability", "off"])
        // Every bench client comes from loopback: W3 holds 10 000 of them.
        arguments = ["serve", "--log-level", "warning", "--http-port", "0", "--limits-connections-per-address", "1000000"]
            + (workers.map { ["--workers-count", "\($0)"] } ?? []) + storage + extraArguments
        (host, self.storePath) = ("127.0.0.1", storePath)
        (process, lifeline, port) = try Self.launch(arguments)
    }

    private static func launch(_ arguments: [String]) throws -> (Process, Pipe, Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try WorkerRunner.ownExecutable())
        process.arguments = arguments
        let output = Pipe(), lifeline = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = lifeline
        process.environment = ProcessInfo.processInfo.environment.merging([ParentWatch.variable: "1"]) { $1 }
        // A child takes its nice value from the thread that spawns it, and Swift's concurrency
        // threads run at "user-initiated" priority, nice -2 here: the server would outrank its
        // load client and a server started by `make run`. Spawn it at the default, 0.
        setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 0)
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        var port: Int?
        // The port it bound is read from /proc: the child logs at warning level only.
        while port == nil, Date() < deadline, process.isRunning {
            port = Self.listeningPort(of: process.processIdentifier)
            if port == nil { usleep(20_000) }
        }
        guard let port else {
            process.terminate()
            throw ModelFile.Failure(description: "the server did not start: \(String(decoding: output.fileHandleForReading.availableData, as: UTF8.self))")
        }
        return (process, lifeline, port)
    }

    /// SIGKILLs the child and starts another on the same store: what survives a crash.
    func restartAfterKill() throws {
        guard let process else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        (self.process, lifeline, port) = try Self.launch(arguments)
    }

    /// Bytes of the store on disk: its file and its write-ahead log.
    var storeMB: Double? {
        guard let storePath else { return nil }
        let bytes = [storePath, storePath + "-wal"].compactMap {
            (try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int) ?? nil
        }.reduce(0, +)
        return Double(bytes) / 1_048_576
    }

    /// The TCP port a process listens on, from /proc/net/tcp and its descriptors.
    static func listeningPort(of pid: Int32) -> Int? {
        guard let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd") else { return nil }
        var inodes = Set<String>()
        for fd in fds {
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)"), target.hasPrefix("socket:[") {
                inodes.insert(String(target.dropFirst(8).dropLast()))
            }
        }
        guard let table = try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8) else { return nil }
        for line in table.split(separator: "\n").dropFirst() {
            let f = line.split(separator: " ")
            // state 0A = LISTEN; field 9 is the inode.
            guard f.count > 9, f[3] == "0A", inodes.contains(String(f[9])) else { continue }
            return Int(f[1].split(separator: ":")[1], radix: 16)
        }
        return nil
    }

    /// Resident memory of the server child, in MB.
    var rssMB: Double? {
        guard let process, let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kb / 1024
    }

    /// CPU seconds the server child has used (user + system).
    var cpuSeconds: Double? {
        guard let process, let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8) else { return nil }
        let fields = stat[stat.range(of: ")")!.upperBound...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    func connect() async throws -> QueuedStreamClient {
        do {
            return try await QueuedStreamClient.connect(port: port, headers: StreamClient.authorization(token))
        } catch {
            throw ModelFile.Failure(description: "cannot connect to ws://127.0.0.1:\(port)/v1/stream (is a server running there?): \(error)")
        }
    }

    func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// Waits (at most `seconds`) until an unlabelled metric of `/metrics` reads `value`.
    func waitForMetric(_ name: String, toReach value: Double, seconds: Double = 30) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if metric(name) == value { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ModelFile.Failure(description: "\(name) did not reach \(value) within \(seconds) s")
    }

    /// One unlabelled metric; nil when it cannot be read.
    private func metric(_ name: String) -> Double? {
        let line = get("/metrics")?.split(separator: "\n").first { $0.hasPrefix(name + " ") }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    /// A GET's response body, read with a plain HTTP/1.1 request; nil when it cannot be read.
    func get(_ path: String) -> String? {
        let fd = ls_connect_loopback(Int32(port), 5)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            + (token.map { "Authorization: Bearer \($0)\r\n" } ?? "") + "\r\n"
        guard Array(request.utf8).withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == request.utf8.count else { return nil }
        var response: [UInt8] = [], buffer = [UInt8](repeating: 0, count: 16 << 10)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            response += buffer[0..<n]
        }
        let text = String(decoding: response, as: UTF8.self)
        return text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) }
    }

    /// Creates a model from a file over `client`; returns its id.
    func create(modelFile path: String, on client: QueuedStreamClient) async throws -> String {
        let format = ModelFormat(fileName: path) ?? .mps
        let text = try ModelFile.text(at: path)
        let message = format == .json
            ? #"{"op":"create","model":\#(text)}"#
            : #"{"op":"create","format":"\#(format.rawValue)","text":\#(JSONWriter.quoted(text))}"#
        guard let reply = await client.request(message, within: 60), case .string(let id)? = reply["model"] else {
            throw ModelFile.Failure(description: "create failed for \(path)")
        }
        return id
    }
}
