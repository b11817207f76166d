import ArgumentParser
import LiveSolveWorker

/// `livesolve worker`: the solve process the server (or the bench) spawns; frames on stdin/stdout.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Serve solve requests as binary frames on stdin/stdout (spawned by the server).",
        shouldDisplay: true
    )

    func run() throws {
        let code = WorkerService().run()
        if code != 0 { throw ExitCode(code) }
    }
}
