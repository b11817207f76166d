import ArgumentParser
import LiveSolveSolver
import LiveSolveWorker

#if canImport(Glibc)
import Glibc
#endif

/// `livesolve worker`: the solve process the server (or the bench) spawns; frames on stdin/stdout.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Serve solve requests as binary frames on stdin/stdout (spawned by the server).",
        shouldDisplay: true
    )

    func run() throws {
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
