import ArgumentParser
import CommandSupport
import Foundation
import LiveSolveServer
import Logging
import NIOCore
import NIOPosix

/// `livesolve serve`: the streaming server. Every configuration key can be overridden by a flag
/// (`--http-port 9000`), an environment variable (`HTTP_PORT=9000`) or the YAML file.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the LiveSolve server (WebSocket /v1/stream, REST /v1/models, the dashboard at /).",
        discussion: "Keys and defaults: Config/livesolve.yaml. Override any key as --section-key VALUE (e.g. --http-port 9000 --workers-count 2) or SECTION_KEY=VALUE in the environment."
    )

    @Option(help: "The YAML configuration file (default: \(ServerConfiguration.defaultFile), which may be missing: defaults).")
    var config: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    @Argument(parsing: .captureForPassthrough, help: "Configuration overrides, e.g. --http-port 9000.")
    var overrides: [String] = []

    func run() throws {
        // One thread for the whole server: the one event loop is also Swift concurrency's executor,
        // so handlers, tasks and the coordinator all run on it.
        NIOSingletons.groupLoopCountSuggestion = 1
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        var logger = Logger(label: "livesolve")
        logger.logLevel = logLevel
        let (config, overrides) = (self.config, self.overrides)
        do {
            try runBlocking { [logger] in
                let settings = try await ServerConfiguration.load(
                    file: config ?? ServerConfiguration.defaultFile, fileIsRequired: config != nil, arguments: overrides)
                let server = try await Server.start(configuration: settings, logger: logger, handleSignals: true)
                if ProcessInfo.processInfo.environment[ParentWatch.variable] != nil {
                    try await ParentWatch.start(on: MultiThreadedEventLoopGroup.singleton)
                }
                try await server.wait()
                logger.info("stopped")
            }
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
