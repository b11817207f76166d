// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "LiveSolve",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "livesolve", targets: ["livesolve"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
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
        // posix_spawn with closefrom and gzip reading: what Glibc's Swift module lacks.
        .target(
            name: "CSupport",
            linkerSettings: [.linkedLibrary("z")]
        ),
        // Pure Swift: models, readers, writers, updates, solutions. Knows no solver and no network.
        .target(
            name: "LiveSolveModel"
        ),
        // The Solver seam and CLP behind it.
        .target(
            name: "LiveSolveSolver",
            dependencies: ["LiveSolveModel", "ClpBridge"]
        ),
        // Binary frames between server and worker, and a blocking client that spawns a worker.
        .target(
            name: "LiveSolveWorkerIPC",
            dependencies: ["LiveSolveModel", "CSupport"]
        ),
        // The worker's serve loop: frames in, solves, frames out.
        .target(
            name: "LiveSolveWorker",
            dependencies: ["LiveSolveModel", "LiveSolveSolver", "LiveSolveWorkerIPC"]
        ),
        .executableTarget(
            name: "livesolve",
            dependencies: [
                "LiveSolveModel", "LiveSolveSolver", "LiveSolveWorkerIPC", "LiveSolveWorker", "CSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Test inputs: the shared Netlib data, reference optima and streams beside the checkout.
        .target(
            name: "TestSupport",
            dependencies: ["LiveSolveModel", "CSupport"],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "LiveSolveModelTests",
            dependencies: ["LiveSolveModel", "TestSupport"]
        ),
        .testTarget(
            name: "LiveSolveSolverTests",
            dependencies: ["LiveSolveModel", "LiveSolveSolver", "CClp", "TestSupport"]
        ),
        .testTarget(
            name: "LiveSolveWorkerTests",
            dependencies: ["LiveSolveModel", "LiveSolveWorkerIPC", "TestSupport"]
        ),
    ],
    cxxLanguageStandard: .cxx17
)
