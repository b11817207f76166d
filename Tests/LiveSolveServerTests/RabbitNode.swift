import Foundation
import LiveSolveBroker
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A private RabbitMQ node for one test: Debian's `rabbitmq-server` run as this user, on free
/// ports of its own (AMQP, Erlang distribution, epmd), with its data, logs and cookie under a
/// temporary folder, and no systemd. `stop` ends it; `start` brings it back on the same ports
/// and data (a broker restart).
final class RabbitNode: @unchecked Sendable {
    // @unchecked: used by one test at a time, from its own task.
    let folder: URL
    let port: Int
    private let distributionPort: Int
    private let epmdPort: Int
    private var process: Process?
    /// Where it runs: this namespace's loopback, or a test host of its own.
    private let host: (hosts: NetworkHosts, name: String)?
    private let address: String

    /// The broker's address as `broker.url` and `--broker` take it.
    var url: String { "amqp://guest:guest@\(address):\(port)/" }

    /// A node on loopback, or on `host` of `hosts` (reached on its address, `guest` let in from
    /// other hosts too).
    init(on host: (hosts: NetworkHosts, name: String)? = nil) throws {
        self.host = host
        address = host.map { $0.hosts.address($0.name) } ?? "127.0.0.1"
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("livesolve-rabbit-\(UUID().uuidString)")
        for sub in ["mnesia", "log"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        (port, distributionPort, epmdPort) = (try freeTCPPort(), try freeTCPPort(), try freeTCPPort())
        // RabbitMQ lets `guest` in from loopback only, unless told otherwise.
        try "loopback_users = none\n".write(to: folder.appendingPathComponent("rabbitmq.conf"), atomically: true, encoding: .utf8)
        try start()
    }

    private var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        let path = folder.path
        for (key, value) in [
            "HOME": path, "RABBITMQ_NODENAME": "livesolve\(port)@localhost", "RABBITMQ_NODE_IP_ADDRESS": address,
            "RABBITMQ_NODE_PORT": "\(port)", "RABBITMQ_DIST_PORT": "\(distributionPort)", "ERL_EPMD_PORT": "\(epmdPort)",
            "RABBITMQ_MNESIA_BASE": "\(path)/mnesia", "RABBITMQ_LOG_BASE": "\(path)/log", "RABBITMQ_CONFIG_FILE": "\(path)/rabbitmq",
            "RABBITMQ_ENABLED_PLUGINS_FILE": "\(path)/enabled_plugins", "RABBITMQ_PLUGINS_EXPAND_DIR": "\(path)/plugins-expand",
        ] { environment[key] = value }
        return environment
    }

    /// Starts the node and waits (up to 60 s) until it takes an AMQP login.
    func start() throws {
        let process = self.process(["/usr/lib/rabbitmq/bin/rabbitmq-server"])
        let log = FileHandle(forWritingAtPath: folder.appendingPathComponent("out.log").path)
            ?? { FileManager.default.createFile(atPath: folder.appendingPathComponent("out.log").path, contents: nil)
                 return FileHandle(forWritingAtPath: folder.appendingPathComponent("out.log").path)! }()
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if (try? BrokerConnection(url: url, confirms: false, timeoutMillis: 500)) != nil { return }
            guard process.isRunning else { break }
            usleep(200_000)
        }
        let output = (try? String(contentsOf: folder.appendingPathComponent("out.log"), encoding: .utf8)) ?? ""
        throw TestFailure(description: "the RabbitMQ node did not start on port \(port): \(output.suffix(2000))")
    }

    /// Ends the node at once: every process whose command line names this node's folder (the
    /// script, the Erlang VM and its helpers), then its epmd.
    func stop() {
        guard let process else { return }
        // The script too: it does not end when the VM it started is killed.
        for pid in processes(mentioning: folder.path) + [process.processIdentifier] { kill(pid, SIGKILL) }
        process.waitUntilExit()
        self.process = nil
        // The port refuses again once the kernel has closed the listener.
        for _ in 0..<100 where (try? BrokerConnection(url: url, confirms: false, timeoutMillis: 100)) != nil { usleep(50_000) }
    }

    deinit {
        stop()
        let epmd = process(["/usr/bin/epmd", "-kill"])
        epmd.standardOutput = FileHandle.nullDevice
        epmd.standardError = FileHandle.nullDevice
        try? epmd.run()
        epmd.waitUntilExit()
        try? FileManager.default.removeItem(at: folder)
    }

    /// A process running `arguments` where the node runs, in its environment.
    private func process(_ arguments: [String]) -> Process {
        let command = host.map { $0.hosts.command(on: $0.name, arguments) } ?? arguments
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.environment = environment
        return process
    }
}

/// A remote worker process, `livesolve worker --broker URL --name NAME`.
final class RemoteWorkerProcess: @unchecked Sendable {
    // @unchecked: used by one test at a time.
    let name: String
    let process = Process()

    /// A worker here, or on `host` of `hosts`.
    init(broker: String, name: String, models: Int? = nil, on host: (hosts: NetworkHosts, name: String)? = nil) throws {
        self.name = name
        let arguments = [TestData.livesolveExecutable, "worker", "--broker", broker, "--name", name] + (models.map { ["--models", "\($0)"] } ?? [])
        let command = host.map { $0.hosts.command(on: $0.name, arguments) } ?? arguments
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.standardError
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    func signal(_ signal: Int32) { kill(pid, signal) }

    deinit {
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }
}

/// The processes whose command line contains `text`.
private func processes(mentioning text: String) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap(Int32.init).filter { pid in
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        return String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self).contains(text)
    }
}

/// A TCP port nothing listens on now.
func freeTCPPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw TestFailure(description: "no free port: \(String(cString: strerror(errno)))") }
    return Int(UInt16(bigEndian: address.sin_port))
}
