import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import LiveSolveStore
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import UnixSignals

/// `livesolve serve`: HTTP, WebSocket and the worker pool on one event loop.
///
/// ```swift
/// let server = try await Server.start(configuration: configuration, logger: logger)
/// print(server.port)
/// await server.shutdown()   // or SIGINT/SIGTERM when started with handleSignals
/// ```
public final class Server: Sendable {
    public let port: Int
    public let coordinator: Coordinator
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    private init(port: Int, coordinator: Coordinator, group: ServiceGroup, running: Task<Void, any Error>) {
        self.port = port
        self.coordinator = coordinator
        self.group = group
        self.running = running
    }

    /// Why the server cannot start.
    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts workers and the listener; returns once the port is bound.
    /// `group` should have one loop: the coordinator and every connection then share it, as `serve` arranges.
    public static func start(configuration: ServerConfiguration, logger: Logger, handleSignals: Bool = false,
                             group: MultiThreadedEventLoopGroup = .singleton) async throws -> Server {
        var configuration = configuration
        if configuration.workerExecutable.isEmpty {
            configuration.workerExecutable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        }
        // Checked here, not found on the first spawn: a mistyped path would otherwise leave the
        // server up with no worker, every model `solving`, retrying for ever.
        guard FileManager.default.isExecutableFile(atPath: configuration.workerExecutable) else {
            throw StartError(description: "worker executable not found or not executable: \(configuration.workerExecutable) (set workers.executable, WORKERS_EXECUTABLE or --workers-executable)")
        }
        let settings = configuration
        let publicFolder = URL(fileURLWithPath: configuration.publicFolder).standardizedFileURL.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: publicFolder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StartError(description: "public folder not found: \(publicFolder) (set public.folder, PUBLIC_FOLDER or --public-folder)")
        }
        let authority = try makeAuthority(configuration, logger: logger)
        let tls = try tlsConfiguration(configuration)
        let loop = group.next()
        let metrics = ServerMetrics()
        let coordinator = Coordinator(loop: loop, configuration: configuration, metrics: metrics, logger: logger, authority: authority)
        let storage = try await openStorage(configuration)
        await coordinator.startWorkers(launcher: PipeWorker.Launcher(executable: configuration.workerExecutable))
        if let storage {
            await coordinator.adopt(storage.store, durability: storage.durability, flushMillis: configuration.storageFlushMillis,
                                    restored: storage.restored, nextNumber: storage.nextNumber)
        }

        // Hummingbird's own start-up lines are quieter, so the one line with the URL stands out.
        var frameworkLogger = logger
        if frameworkLogger.logLevel < .notice { frameworkLogger.logLevel = .notice }
        // HEAD wherever GET: load balancers and `curl -I` probe /healthz that way.
        let router = Router(options: .autoGenerateHeadEndpoints)
        let rest = RESTRoutes(coordinator: coordinator, configuration: configuration, metrics: metrics, authority: authority)
        let routes = rest.routes
        router.middlewares.add(ErrorObjectMiddleware(routes: routes))
        // The OpenAPI document (openapi.yaml) goes out as YAML, which Hummingbird's table lacks.
        router.middlewares.add(FileMiddleware(publicFolder, searchForIndexHtml: true, logger: frameworkLogger)
            .withAdditionalMediaType(MediaType(type: .application, subType: "yaml"), mappedToFileExtension: "yaml"))
        rest.register(routes, on: router)

        let connections = AddressCounter(limit: configuration.connectionsPerAddress)
        let portPromise = loop.makePromise(of: Int.self)
        let app = Application(
            router: router,
            server: HTTPServerBuilder { responder in
                let channel = StreamChannel(responder: responder, coordinator: coordinator, configuration: settings,
                                            authority: authority, connections: connections, isSecure: tls != nil)
                guard let tls else { return channel }
                return try TLSChannel(channel, tlsConfiguration: tls)
            },
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "LiveSolve"),
            onServerRunning: { channel in portPromise.succeed(channel.localAddress?.port ?? settings.port) },
            eventLoopGroupProvider: .shared(group),
            logger: frameworkLogger)
        let group = ServiceGroup(configuration: .init(
            services: [app, GoingAway(coordinator: coordinator, forcedExitAfter: handleSignals ? 10 : nil)], gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [], logger: frameworkLogger))
        let running = Task {
            defer { portPromise.fail(StartError(description: "the server stopped before it bound its port")) }
            do {
                try await group.run()
            } catch {
                // E.g. the port is taken: report why, not just that it stopped.
                portPromise.fail(StartError(description: "cannot serve on \(settings.host):\(settings.port): \(error)"))
                await coordinator.stopWorkers()
                throw error
            }
            await coordinator.stopWorkers()
            await coordinator.drainStore()
        }
        let port = try await portPromise.futureResult.get()
        if handleSignals, !configuration.tokensFile.isEmpty {
            let path = configuration.tokensFile
            Task { await reloadTokens(on: .sighup, from: path, into: authority, coordinator: coordinator, logger: logger) }
        }
        logger.info("LiveSolve listening on \(tls == nil ? "http" : "https")://\(configuration.host):\(port)/ (WebSocket /v1/stream, \(configuration.workerCount) worker\(configuration.workerCount == 1 ? "" : "s"))")
        return Server(port: port, coordinator: coordinator, group: group, running: running)
    }

    /// The tokens file's tokens, or none: then the server runs open, which only a loopback
    /// address (or `auth.open`) allows.
    private static func makeAuthority(_ configuration: ServerConfiguration, logger: Logger) throws -> Authority {
        guard !configuration.tokensFile.isEmpty else {
            if !Authority.isLoopback(configuration.host), !configuration.authOpen {
                throw StartError(description: "http.host \(configuration.host) is reachable from other machines and no auth.tokensFile is set: anyone there could change every model. Set auth.tokensFile (AUTH_TOKENS_FILE, --auth-tokens-file; `livesolve token` makes entries), or run open anyway with --auth-open true")
            }
            logger.warning("no auth.tokensFile: every client may do everything (admin)", metadata: ["http.host": "\(configuration.host)"])
            return Authority(tokens: nil, allowedOrigins: configuration.allowedOrigins)
        }
        do {
            return Authority(tokens: try TokensFile.read(configuration.tokensFile), allowedOrigins: configuration.allowedOrigins)
        } catch {
            throw StartError(description: "\(error) (auth.tokensFile, AUTH_TOKENS_FILE, --auth-tokens-file)")
        }
    }

    /// Re-reads the tokens file on each `signal`; a file that cannot be used keeps the tokens in force.
    private static func reloadTokens(on signal: UnixSignal, from path: String, into authority: Authority, coordinator: Coordinator, logger: Logger) async {
        for await _ in await UnixSignalsSequence(trapping: signal) {
            let read = try? await NIOThreadPool.singleton.runIfActive { () -> Result<Tokens, TokensFile.Failure> in
                do throws(TokensFile.Failure) { return .success(try TokensFile.read(path)) } catch { return .failure(error) }
            }
            switch read {
            case .success(let tokens):
                authority.replace(tokens)
                await coordinator.tokensChanged()
                logger.notice("tokens re-read", metadata: ["file": "\(path)", "tokens": "\(tokens.grants.count)"])
            case .failure(let error):
                logger.error("tokens file not re-read; the tokens in force stay", metadata: ["error": "\(error)"])
            case nil:
                return
            }
        }
    }

    /// https and wss on the server's port, from `tls.certificate` and `tls.key`; nil without them.
    private static func tlsConfiguration(_ configuration: ServerConfiguration) throws -> TLSConfiguration? {
        let (certificatePath, keyPath) = (configuration.tlsCertificate, configuration.tlsKey)
        guard !certificatePath.isEmpty || !keyPath.isEmpty else { return nil }
        guard !certificatePath.isEmpty, !keyPath.isEmpty else {
            throw StartError(description: "TLS needs both tls.certificate and tls.key (--tls-certificate, --tls-key); only \(certificatePath.isEmpty ? "tls.key" : "tls.certificate") is set")
        }
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(certificatePath) } catch {
            throw StartError(description: "tls.certificate \(certificatePath): cannot be read as a PEM certificate: \(error)")
        }
        guard !chain.isEmpty else { throw StartError(description: "tls.certificate \(certificatePath): no certificate in the file") }
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(file: keyPath, format: .pem) } catch {
            throw StartError(description: "tls.key \(keyPath): cannot be read as a PEM private key: \(error)")
        }
        let tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        // Made once here so a key that does not match the certificate stops the start, by name.
        do { _ = try NIOSSLContext(configuration: tls) } catch {
            throw StartError(description: "tls.key \(keyPath) does not match tls.certificate \(certificatePath): \(error)")
        }
        return tls
    }

    /// Opens the store and reads its models back, off the loop; nil with `storage.durability: off`.
    private static func openStorage(_ configuration: ServerConfiguration) async throws
        -> (store: Store, durability: Durability, restored: [RestoredModel], nextNumber: UInt32)? {
        let durability = Durability(rawValue: configuration.storageDurability) ?? .sync
        guard durability != .off else { return nil }
        let path = configuration.storagePath
        let sync = Store.Sync(rawValue: configuration.storageFsync) ?? .normal
        let opened = try await NIOThreadPool.singleton.runIfActive { () -> Result<(Store, [RestoredModel], UInt32), StoreError> in
            do throws(StoreError) {
                let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
                do {
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                } catch {
                    throw StoreError(description: "cannot create the store's folder \(folder.path): \(error.localizedDescription)")
                }
                let store = try Store(path: path, sync: sync)
                let (stored, next) = try store.load()
                var restored: [RestoredModel] = []
                for model in stored { restored.append(try RestoredModel(model, path: path)) }
                return .success((store, restored, next))
            } catch {
                return .failure(error)
            }
        }
        switch opened {
        case let .success((store, restored, next)): return (store, durability, restored, next)
        case .failure(let error): throw StartError(description: "\(error) (set storage.path, STORAGE_PATH or --storage-path)")
        }
    }

    /// Stops accepting, closes WebSockets with 1001, stops workers.
    public func shutdown() async {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
    }

    /// Waits until the server stops (after a signal when started with `handleSignals`).
    public func wait() async throws {
        try await running.value
    }
}
