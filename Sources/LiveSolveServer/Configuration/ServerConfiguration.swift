import Configuration
import Foundation
import LiveSolveCoordination
import LiveSolveModel

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
    /// `broker.url` — a RabbitMQ broker (amqp://USER:PASS@HOST:PORT/VHOST) through which remote
    /// workers (`livesolve worker --broker`) take solves too; empty: the local pool only.
    public var brokerURL = ""
    /// `solve.mipGap` — the relative gap at which an integer model's branch and cut stops.
    public var mipGap = 1e-4
    /// `solve.incumbentMillis` — the least time between two improving incumbents sent while a
    /// solve runs.
    public var incumbentMillis = 100
    /// `solve.preempt` — whether an update stops its integer model's running solve, which then
    /// starts again from the newest state.
    public var preempt = true
    /// `solve.rangingFastPath` — whether a cost change inside the stability bands of the last
    /// solve (by the 100 % rule) is answered by the server itself, without a solve; the bands
    /// are then computed on every linear model's solve.
    public var rangingFastPath = true
    /// `solve.strategy` — the simplex of a linear model's warm solves: `adaptive` learns the
    /// fastest per model and kind of change; `primal`, `dual` or `cold` runs that one always.
    public var strategy = "adaptive"
    /// `solve.raceMillis` — a model whose warm solves take longer than this is raced on idle
    /// workers, one strategy each.
    public var raceMillis = 50
    /// `solve.raceWidth` — the most workers one race takes (1: no racing).
    public var raceWidth = 3

    /// A new model's policy for `solve.strategy`.
    var strategyPolicy: StrategyPolicy { StrategyPolicy(fixed: strategy == "adaptive" ? nil : Algorithm(rawValue: strategy)) }
    /// `limits.messageBytes` — the largest WebSocket message or REST body, except models.
    public var maxMessageBytes = 1 << 20
    /// `limits.modelBytes` — the largest model document (WebSocket `create` or `POST /v1/models`).
    public var maxModelBytes = 64 << 20
    /// `websocket.idleTimeout` — seconds without a pong before a connection is closed with 1001; pings go out this often.
    public var idleTimeout = 30.0
    /// `websocket.sendBufferBytes` — the kernel send buffer per WebSocket (0: the system's autotuned default).
    /// Smaller bounds memory per subscriber and makes slow consumers show up sooner.
    public var sendBufferBytes = 0
    /// `rest.waitLimit` — seconds a REST request waits for a solution before answering 504.
    public var waitLimit = 30.0
    /// `public.folder` — the folder served at `/`.
    public var publicFolder = "Public"
    /// `fanout.history` — solution versions kept so a lagging subscriber gets one delta; further behind, a full snapshot.
    public var history = 64
    /// `fanout.chunk` — subscribers written per loop turn; between turns the loop serves other sockets.
    public var fanoutChunk = 512
    /// `storage.path` — the store's SQLite file; its folder is created if missing.
    public var storagePath = "Data/livesolve.sqlite"
    /// `storage.durability` — `sync`: an ack, a 2xx and a solution wait for the change's commit;
    /// `async`: the commit follows within `storage.flushMillis`; `off`: nothing is written.
    public var storageDurability = "sync"
    /// `storage.fsync` — `normal` survives a killed process; `full` a power loss as well.
    public var storageFsync = "normal"
    /// `storage.flushMillis` — with `async`, the longest a change waits for its commit.
    public var storageFlushMillis = 10
    /// `storage.snapshotUpdates` — a model's whole state is stored every this many updates, and on shutdown.
    public var storageSnapshotUpdates = 1_000
    /// `storage.retainUpdates` — logged updates kept per model behind its newest snapshot.
    public var storageRetainUpdates = 100_000

    /// `limits.updatesPerSecond` — updates per second per token (per connection when open); 0: no limit.
    public var updatesPerSecond = 0
    /// `limits.updatesBurst` — updates at once beyond the rate before `rate_limited`.
    public var updatesBurst = 1_000
    /// `limits.connectionsPerAddress` — WebSocket connections from one client address.
    public var connectionsPerAddress = 1_000
    /// `limits.models` — models the server holds.
    public var maxModels = 10_000
    /// `limits.subscriptionsPerConnection` — subscriptions one WebSocket may hold.
    public var subscriptionsPerConnection = 1_000
    /// `http.headerTimeout` — seconds a client has to send a request's head before it is closed.
    public var headerTimeout = 10.0
    /// `auth.tokensFile` — the YAML file of tokens with roles; none: no token is asked for
    /// (only on a loopback `http.host`, or with `auth.open`).
    public var tokensFile = ""
    /// `auth.open` — run without tokens on an address other than loopback.
    public var authOpen = false
    /// `auth.publicMetrics` — `/metrics` without an `admin` token.
    public var publicMetrics = false
    /// `http.allowedOrigins` — browser origins whose pages may open a WebSocket or change state
    /// over REST; empty: the server's own and any loopback origin.
    public var allowedOrigins: [String] = []
    /// `tls.certificate` — a PEM certificate (chain): https and wss on the same port.
    public var tlsCertificate = ""
    /// `tls.key` — the certificate's PEM private key.
    public var tlsKey = ""

    public init() {}

    /// The file `livesolve serve` reads when `--config` names none.
    public static let defaultFile = "Config/livesolve.yaml"

    /// Reads the configuration from flags, environment and the YAML file (the default file may be
    /// missing: defaults; a file named with `--config`, `fileIsRequired`, must exist). An unknown
    /// flag or file key, or a value of the wrong type or out of range wherever it comes from, is
    /// an error naming the key: a mistyped `--http-port abc` must not start a server on 8080.
    public static func load(file: String = defaultFile, fileIsRequired: Bool = false, arguments: [String]) async throws -> ServerConfiguration {
        try checkFlags(arguments)
        var providers: [any ConfigProvider] = [
            CommandLineArgumentsProvider(arguments: ["livesolve"] + arguments),
            EnvironmentVariablesProvider(),
        ]
        if try ConfigurationFile.check(file, required: fileIsRequired, keys: settings.map(\.key), listKeys: listKeys) {
            providers.append(try await FileProvider<YAMLSnapshot>(filePath: .init(file)))
        }
        let reader = ConfigReader(providers: providers)
        return try ServerConfiguration(reader: reader)
    }

    public init(reader: ConfigReader) throws(ConfigurationError) {
        for setting in Self.settings { try setting.read(from: reader, into: &self) }
        if workerCount == 0, brokerURL.isEmpty {
            throw ConfigurationError(description: "workers.count (WORKERS_COUNT, --workers-count): 0 leaves no worker to solve; it needs broker.url (remote workers)")
        }
    }

    /// A key whose value cannot be used, or a flag that names no key.
    public struct ConfigurationError: Error, CustomStringConvertible {
        public var description: String
    }

    /// How one key is read: its name, where it goes, and the values it accepts.
    private enum Setting {
        case string(String, WritableKeyPath<ServerConfiguration, String>)
        case int(String, WritableKeyPath<ServerConfiguration, Int>, ClosedRange<Int>)
        /// Seconds; `allowsZero` false means strictly positive.
        case seconds(String, WritableKeyPath<ServerConfiguration, Double>, allowsZero: Bool)
        /// One of a few words.
        case choice(String, WritableKeyPath<ServerConfiguration, String>, [String])
        case bool(String, WritableKeyPath<ServerConfiguration, Bool>)
        /// A number from 0 to 1.
        case fraction(String, WritableKeyPath<ServerConfiguration, Double>)
        /// Several values: a YAML list, a comma-separated variable, a flag with several values.
        case list(String, WritableKeyPath<ServerConfiguration, [String]>)

        var key: String {
            switch self {
            case .string(let key, _), .int(let key, _, _), .seconds(let key, _, _), .choice(let key, _, _), .bool(let key, _), .list(let key, _), .fraction(let key, _): key
            }
        }

        /// The command-line spelling: `limits.messageBytes` is `--limits-message-bytes`.
        var flag: String { "--" + words.joined(separator: "-") }

        /// The environment's spelling: `LIMITS_MESSAGE_BYTES`.
        var variable: String { words.joined(separator: "_").uppercased() }

        private var words: [String] {
            key.split(separator: ".").map { part in
                part.map { $0.isUppercase ? "-" + $0.lowercased() : String($0) }.joined()
            }.flatMap { $0.split(separator: "-").map(String.init) }
        }

        func read(from reader: ConfigReader, into configuration: inout ServerConfiguration) throws(ConfigurationError) {
            let configKey = ConfigKey(key)
            if case .list(_, let path) = self {
                guard let values = reader.stringArray(forKey: configKey) ?? reader.string(forKey: configKey).map({ [$0] }) else { return }
                configuration[keyPath: path] = values.flatMap { $0.split(separator: ",") }
                    .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                return
            }
            // Present at all (flags and environment are text; so are the YAML file's scalars). An
            // empty value (`count:` in the file, `WORKERS_COUNT=`) is the default, as absent.
            guard let text = reader.string(forKey: configKey), !text.isEmpty else { return }
            func invalid(_ expected: String) -> ConfigurationError {
                ConfigurationError(description: "\(key) (\(variable), \(flag)): expected \(expected), found \"\(text)\"")
            }
            switch self {
            case .string(_, let path):
                configuration[keyPath: path] = text
            case .int(_, let path, let range):
                guard let value = reader.int(forKey: configKey), range.contains(value) else {
                    throw invalid(range.upperBound == .max ? "an integer ≥ \(range.lowerBound)" : "an integer from \(range.lowerBound) to \(range.upperBound)")
                }
                configuration[keyPath: path] = value
            case .seconds(_, let path, let allowsZero):
                guard let value = reader.double(forKey: configKey), value.isFinite, allowsZero ? value >= 0 : value > 0 else {
                    throw invalid(allowsZero ? "seconds ≥ 0" : "seconds > 0")
                }
                configuration[keyPath: path] = value
            case .fraction(_, let path):
                guard let value = reader.double(forKey: configKey), value >= 0, value <= 1 else { throw invalid("a number from 0 to 1") }
                configuration[keyPath: path] = value
            case .choice(_, let path, let words):
                guard words.contains(text) else { throw invalid(words.joined(separator: ", ")) }
                configuration[keyPath: path] = text
            case .bool(_, let path):
                guard text == "true" || text == "false" else { throw invalid("true or false") }
                configuration[keyPath: path] = text == "true"
            case .list:
                break
            }
        }
    }

    /// Every key `livesolve serve` reads; `Config/livesolve.yaml` documents them.
    private static var settings: [Setting] {[
        .string("http.host", \.host),
        .int("http.port", \.port, 0...65535),
        .int("workers.count", \.workerCount, 0...1024),
        .string("workers.executable", \.workerExecutable),
        .seconds("solve.timeLimit", \.solveTimeLimit, allowsZero: false),
        .seconds("solve.grace", \.solveGrace, allowsZero: true),
        .fraction("solve.mipGap", \.mipGap),
        .string("broker.url", \.brokerURL),
        .int("solve.incumbentMillis", \.incumbentMillis, 0...3_600_000),
        .bool("solve.preempt", \.preempt),
        .bool("solve.rangingFastPath", \.rangingFastPath),
        .choice("solve.strategy", \.strategy, ["adaptive", "primal", "dual", "cold"]),
        .int("solve.raceMillis", \.raceMillis, 0...3_600_000),
        .int("solve.raceWidth", \.raceWidth, 1...8),
        .int("limits.messageBytes", \.maxMessageBytes, 1...Int.max),
        .int("limits.modelBytes", \.maxModelBytes, 1...Int.max),
        .seconds("websocket.idleTimeout", \.idleTimeout, allowsZero: false),
        .int("websocket.sendBufferBytes", \.sendBufferBytes, 0...Int.max),
        .seconds("rest.waitLimit", \.waitLimit, allowsZero: false),
        .string("public.folder", \.publicFolder),
        .int("fanout.history", \.history, 1...Int.max),
        .int("fanout.chunk", \.fanoutChunk, 1...Int.max),
        .string("storage.path", \.storagePath),
        .choice("storage.durability", \.storageDurability, ["sync", "async", "off"]),
        .choice("storage.fsync", \.storageFsync, ["normal", "full"]),
        .int("storage.flushMillis", \.storageFlushMillis, 1...60_000),
        .int("storage.snapshotUpdates", \.storageSnapshotUpdates, 1...Int.max),
        .int("storage.retainUpdates", \.storageRetainUpdates, 0...Int.max),
        .int("limits.updatesPerSecond", \.updatesPerSecond, 0...Int.max),
        .int("limits.updatesBurst", \.updatesBurst, 1...Int.max),
        .int("limits.connectionsPerAddress", \.connectionsPerAddress, 1...Int.max),
        .int("limits.models", \.maxModels, 1...Int.max),
        .int("limits.subscriptionsPerConnection", \.subscriptionsPerConnection, 1...Int.max),
        .seconds("http.headerTimeout", \.headerTimeout, allowsZero: false),
        .string("auth.tokensFile", \.tokensFile),
        .bool("auth.open", \.authOpen),
        .bool("auth.publicMetrics", \.publicMetrics),
        .list("http.allowedOrigins", \.allowedOrigins),
        .string("tls.certificate", \.tlsCertificate),
        .string("tls.key", \.tlsKey),
    ]}

    /// The keys whose value may be a list.
    static var listKeys: [String] { settings.compactMap { if case .list(let key, _) = $0 { key } else { nil } } }

    /// Each `--flag` among the overrides must name a key (`--flag value` or `--flag=value`).
    static func checkFlags(_ arguments: [String]) throws(ConfigurationError) {
        let known = Set(settings.map(\.flag))
        for argument in arguments where argument.hasPrefix("--") {
            let flag = String(argument.split(separator: "=", maxSplits: 1)[0])
            guard known.contains(flag) else {
                throw ConfigurationError(description: "unknown option \(flag); the options are \(settings.map(\.flag).joined(separator: ", ")) (see Config/livesolve.yaml)")
            }
        }
    }
}
