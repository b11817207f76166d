import Foundation
import Hummingbird
import HummingbirdCore
import LiveSolveStore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

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
        let loop = group.next()
        let metrics = ServerMetrics()
        let coordinator = Coordinator(loop: loop, configuration: configuration, metrics: metrics, logger: logger)
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
        let routes = RESTRoutes(coordinator: coordinator, configuration: configuration, metrics: metrics).routes
        router.middlewares.add(ErrorObjectMiddleware(routes: routes))
        router.middlewares.add(FileMiddleware(publicFolder, searchForIndexHtml: true, logger: frameworkLogger))
        RESTRoutes.register(routes, on: router)

        let portPromise = loop.makePromise(of: Int.self)
        let app = Application(
            router: router,
            server: HTTPServerBuilder { responder in
                StreamChannel(responder: responder, coordinator: coordinator, configuration: settings)
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
        logger.info("LiveSolve listening on http://\(configuration.host):\(port)/ (WebSocket /v1/stream, \(configuration.workerCount) worker\(configuration.workerCount == 1 ? "" : "s"))")
        return Server(port: port, coordinator: coordinator, group: group, running: running)
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
