// swift-tools-version: 6.1
import PackageDescription

/// Every Swift target: Swift 6 mode, whose complete concurrency checking makes a data race a
/// compile error, and existentials spelled `any P`, as Hummingbird's and SwiftNIO's packages do.
let swiftSettings: [SwiftSetting] = [.swiftLanguageMode(.v6), .enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "LiveSolve",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "livesolve", targets: ["livesolve"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.24.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.0.0", traits: ["YAML", "CommandLineArguments"]),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.20.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.4.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.30.0"),
    ],
    targets: [
        // COIN-OR CLP's C API, from Debian's coinor-libclp-dev.
        .systemLibrary(
            name: "CClp",
            pkgConfig: "clp",
            providers: [.apt(["coinor-libclp-dev"])]
        ),
        // CLP's C++ API behind a small C interface: keeps the factorization between re-solves.
        .target(
            name: "ClpBridge",
            dependencies: ["CClp"]
        ),
        // COIN-OR CBC, from Debian's coinor-libcbc-dev: branch and cut for integer models.
        .systemLibrary(
            name: "CCbc",
            pkgConfig: "cbc",
            providers: [.apt(["coinor-libcbc-dev"])]
        ),
        // CbcModel behind a small C interface: the program, its root basis and its incumbent kept
        // between solves, improving incumbents reported while a solve runs, and a way to stop it.
        .target(
            name: "CbcBridge",
            dependencies: ["CCbc"]
        ),
        // rabbitmq-c, from Debian's librabbitmq-dev: the broker vendor's AMQP 0-9-1 client.
        .systemLibrary(
            name: "CRabbitMQ",
            pkgConfig: "librabbitmq",
            providers: [.apt(["librabbitmq-dev"])]
        ),
        // rabbitmq-c in the few blocking calls LiveSolve needs (its login is variadic: no Swift call).
        .target(
            name: "AMQPBridge",
            dependencies: ["CRabbitMQ"]
        ),
        // A blocking broker connection for remote workers and the server's broker threads.
        .target(
            name: "LiveSolveBroker",
            dependencies: ["AMQPBridge"],
            swiftSettings: swiftSettings
        ),
        // posix_spawn with closefrom and gzip reading: what Glibc's Swift module lacks.
        .target(
            name: "CSupport",
            linkerSettings: [.linkedLibrary("z")]
        ),
        // Pure Swift: models, readers, writers, updates, solutions. Knows no solver and no network.
        .target(
            name: "LiveSolveModel",
            swiftSettings: swiftSettings
        ),
        // The lifecycles of models, workers and subscribers as state machines: events in, actions out.
        // Pure Swift, no NIO: tested without I/O.
        .target(
            name: "LiveSolveCoordination",
            dependencies: ["LiveSolveModel"],
            swiftSettings: swiftSettings
        ),
        // The server's state on disk: SQLite through GRDB, the log of accepted changes.
        .target(
            name: "LiveSolveStore",
            dependencies: [.product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        // The Solver seam, CLP behind it for linear programs and CBC for integer ones.
        .target(
            name: "LiveSolveSolver",
            dependencies: ["LiveSolveModel", "ClpBridge", "CbcBridge"],
            swiftSettings: swiftSettings
        ),
        // Binary frames between server and worker, and a blocking client that spawns a worker.
        .target(
            name: "LiveSolveWorkerIPC",
            dependencies: ["LiveSolveModel", "CSupport"],
            swiftSettings: swiftSettings
        ),
        // The worker's serve loop: frames in, solves, frames out; on pipes, or through a broker.
        .target(
            name: "LiveSolveWorker",
            dependencies: ["LiveSolveModel", "LiveSolveSolver", "LiveSolveWorkerIPC", "LiveSolveBroker"],
            swiftSettings: swiftSettings
        ),
        // The streaming server: one event loop, WebSocket + REST, coordinator, worker pool, fan-out.
        // Knows nothing of CLP: solving happens in worker processes.
        .target(
            name: "LiveSolveServer",
            dependencies: [
                "LiveSolveModel", "LiveSolveCoordination", "LiveSolveStore", "LiveSolveWorkerIPC", "LiveSolveBroker", "CSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        // A raw SwiftNIO WebSocket client: cheap enough for 10 000 connections in the bench, and the tests' client.
        .target(
            name: "LiveSolveClient",
            dependencies: [
                "LiveSolveModel",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // What the commands share: reading model files, errors on stderr, blocking on async work,
        // and the pipe a bench's server watches to stop with it.
        .target(
            name: "CommandSupport",
            dependencies: [
                "LiveSolveModel", "CSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // `livesolve bench`: the solver bench and the WebSocket workloads W1-W4, with their load clients.
        .target(
            name: "LiveSolveBench",
            dependencies: [
                "CommandSupport", "LiveSolveModel", "LiveSolveSolver", "LiveSolveWorkerIPC", "LiveSolveClient", "CSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "livesolve",
            dependencies: [
                "CommandSupport", "LiveSolveBench",
                "LiveSolveModel", "LiveSolveSolver", "LiveSolveWorkerIPC", "LiveSolveWorker", "LiveSolveServer",
                "LiveSolveClient", "CSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Test inputs: the Netlib models, reference optima and streams in Benchmarks/.
        .target(
            name: "TestSupport",
            dependencies: ["CommandSupport", "LiveSolveModel", "CSupport"],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LiveSolveModelTests",
            dependencies: ["LiveSolveModel", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LiveSolveCoordinationTests",
            dependencies: ["LiveSolveCoordination", "LiveSolveModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LiveSolveStoreTests",
            dependencies: ["LiveSolveStore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LiveSolveSolverTests",
            dependencies: ["LiveSolveModel", "LiveSolveSolver", "CClp", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LiveSolveWorkerTests",
            dependencies: ["LiveSolveModel", "LiveSolveSolver", "LiveSolveWorkerIPC", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LiveSolveServerTests",
            dependencies: [
                "LiveSolveModel", "LiveSolveCoordination", "LiveSolveServer", "LiveSolveClient", "LiveSolveWorker",
                "LiveSolveWorkerIPC", "LiveSolveSolver", "LiveSolveBroker", "TestSupport", "CSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ],
    cxxLanguageStandard: .cxx17
)
