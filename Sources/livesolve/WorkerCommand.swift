import ArgumentParser
import Foundation
import LiveSolveSolver
import LiveSolveWorker

#if canImport(Glibc)
import Glibc
#endif

/// `livesolve worker`: the solve process the server (or the bench) spawns; frames on stdin/stdout.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Serve solve requests as binary frames on stdin/stdout (spawned by the server), or from a RabbitMQ broker.",
        shouldDisplay: true
    )

    @Option(help: "Serve a server's requests through this RabbitMQ broker: amqp://USER:PASS@HOST:PORT/VHOST.")
    var broker: String?

    @Option(help: "With --broker: this worker's name, unique among the broker's workers (default: host name and process id).")
    var name: String?

    @Option(help: "With --broker: how many models it offers to hold.")
    var models: Int = 1000

    func validate() throws {
        if broker == nil, name != nil { throw ValidationError("--name needs --broker") }
        guard models >= 1 else { throw ValidationError("--models must be at least 1") }
        if let name, name.isEmpty || name.contains(where: { $0 == " " || $0 == "/" }) {
            throw ValidationError("--name: a name without spaces or slashes, found \"\(name)\"")
        }
    }

    func run() throws {
        if let broker {
            let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "worker"
            let code = RemoteWorker(url: broker, name: name ?? "\(host)-\(getpid())", models: models).run()
            if code != 0 { throw ExitCode(code) }
            return
        }
        // Solving yields the CPU to the server's event loop: on a machine with few cores, a
        // multi-second solve must not make pings and other models' fan-out wait for a time slice.
        _ = nice(10)
        // Ctrl-C in a terminal reaches the whole process group; the server decides when workers
        // stop (a shutdown frame, or EOF on stdin when the server is gone).
        signal(SIGINT, SIG_IGN)
        let code = WorkerService<ModelSolver>().run()
        if code != 0 { throw ExitCode(code) }
    }
}
