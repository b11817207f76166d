import Configuration
import Foundation

/// Everything `livesolve serve` can be told, with its defaults.
///
/// Read from, in order of precedence: command-line flags (`--workers-count 4`), environment
/// variables (`WORKERS_COUNT=4`), the YAML file (`Config/livesolve.yaml`, keys as below), then
/// the defaults here. Each key is listed with its three spellings in `Config/livesolve.yaml`.
public struct ServerConfiguration: Sendable {
    /// `http.host` — the address to listen on.
    public var host = "127.0.0.1"
    /// `http.port` — the port; 0 picks a free one (tests).
    public var port = 8080
    /// `workers.count` — solve processes; default: the number of cores.
    public var workerCount = ProcessInfo.processInfo.activeProcessorCount
    /// `workers.executable` — the `livesolve` binary to spawn as `livesolve worker`; default: this one.
    public var workerExecutable = ""
    /// `solve.timeLimit` — seconds CLP may spend on one solve before it stops with `time_limit`.
    public var solveTimeLimit = 60.0
    /// `solve.grace` — seconds past the time limit before a silent worker is killed.
    public var solveGrace = 5.0
    /// `limits.messageBytes` — the largest WebSocket message or REST body, except models.
    public var maxMessageBytes = 1 << 20
    /// `limits.modelBytes` — the largest model document (WebSocket `create` or `POST /v1/models`).
    public var maxModelBytes = 64 << 20
    /// `websocket.idleTimeout` — seconds without a pong before a connection is closed with 1001; pings go out this often.
    public var idleTimeout = 30.0
    /// `websocket.sendBufferBytes` — the kernel send buffer per WebSocket (0: the system's autotuned default).
    /// Smaller bounds memory per subscriber and makes slow consumers show up sooner.
    public var sendBufferBytes = 0
    /// `websocket.directWrites` — write to the sockets past SwiftNIO's pipeline when nothing waits
    /// in it (see `DirectSocket`); false keeps every write on NIO.
    public var directWrites = true
    /// `rest.waitLimit` — seconds a REST request waits for a solution before answering 504.
    public var waitLimit = 30.0
    /// `public.folder` — the folder served at `/`.
    public var publicFolder = "Public"
    /// `fanout.history` — solution versions kept so a lagging subscriber gets one delta; further behind, a full snapshot.
    public var history = 64
    /// `fanout.chunk` — subscribers written per loop turn; between turns the loop serves other sockets.
    public var fanoutChunk = 512

    public init() {}

    /// Reads the configuration from flags, environment and the YAML file (missing file: defaults).
    public static func load(file: String = "Config/livesolve.yaml", arguments: [String]) async throws -> ServerConfiguration {
        let reader = ConfigReader(providers: [
            CommandLineArgumentsProvider(arguments: ["livesolve"] + arguments),
            EnvironmentVariablesProvider(),
            try await FileProvider<YAMLSnapshot>(filePath: .init(file), allowMissing: true),
        ])
        return ServerConfiguration(reader: reader)
    }

    public init(reader: ConfigReader) {
        let d = ServerConfiguration()
        host = reader.string(forKey: "http.host", default: d.host)
        port = reader.int(forKey: "http.port", default: d.port)
        workerCount = max(1, reader.int(forKey: "workers.count", default: d.workerCount))
        workerExecutable = reader.string(forKey: "workers.executable", default: d.workerExecutable)
        solveTimeLimit = reader.double(forKey: "solve.timeLimit", default: d.solveTimeLimit)
        solveGrace = reader.double(forKey: "solve.grace", default: d.solveGrace)
        maxMessageBytes = reader.int(forKey: "limits.messageBytes", default: d.maxMessageBytes)
        maxModelBytes = reader.int(forKey: "limits.modelBytes", default: d.maxModelBytes)
        idleTimeout = reader.double(forKey: "websocket.idleTimeout", default: d.idleTimeout)
        sendBufferBytes = reader.int(forKey: "websocket.sendBufferBytes", default: d.sendBufferBytes)
        directWrites = reader.bool(forKey: "websocket.directWrites", default: d.directWrites)
        waitLimit = reader.double(forKey: "rest.waitLimit", default: d.waitLimit)
        publicFolder = reader.string(forKey: "public.folder", default: d.publicFolder)
        history = max(1, reader.int(forKey: "fanout.history", default: d.history))
        fanoutChunk = max(1, reader.int(forKey: "fanout.chunk", default: d.fanoutChunk))
    }
}
