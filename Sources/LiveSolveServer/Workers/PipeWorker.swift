import CSupport
import LiveSolveCoordination
import LiveSolveWorkerIPC
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// A `livesolve worker` child process on this machine, its stdin and stdout pipes driven by
/// `NIOPipeBootstrap` on the server's loop.
struct PipeWorker: WorkerTransport {
    let pid: Int32?
    /// The pipes' channel, once the bootstrap has it. Requests sent before then wait for it in
    /// the future's callback list, in order.
    private let channel: EventLoopFuture<any Channel>

    func send(_ request: WorkerRequest) {
        channel.whenSuccess { $0.writeAndFlush(request, promise: nil) }
    }

    func kill() {
        if let pid { _ = Glibc.kill(pid, SIGKILL) }
    }

    /// Starts `executable worker` as a child with pipes on its stdin and stdout.
    struct Launcher: WorkerLauncher {
        let executable: String

        func launch(_ id: WorkerID, on loop: any EventLoop, report: @escaping WorkerReport) -> any WorkerTransport {
            let pid: pid_t, input: Int32, output: Int32
            do {
                (pid, input, output) = try Self.spawn(executable)
            } catch {
                loop.execute { report(id, .startFailed(reason: "\(error)")) }
                return PipeWorker(pid: nil, channel: loop.makeFailedFuture(error))
            }
            let channel = NIOPipeBootstrap(group: loop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(PipeWorkerHandler(id: id, pid: pid, report: report))
                    }
                }
                .takingOwnershipOfDescriptors(input: input, output: output)
            channel.whenComplete { result in
                // On a later tick: the bootstrap can complete inside this call, before the
                // pool holds the transport it returns.
                loop.execute {
                    switch result {
                    case .success: report(id, .started)
                    case .failure(let error):
                        _ = Glibc.kill(pid, SIGKILL)
                        report(id, .startFailed(reason: "\(error)"))
                    }
                }
            }
            return PipeWorker(pid: pid, channel: channel)
        }

        /// Spawns the process with its other descriptors closed and its signal dispositions
        /// reset; returns its pid and the parent's ends of the pipes (its stdout, its stdin).
        static func spawn(_ executable: String) throws(SpawnError) -> (pid_t, Int32, Int32) {
            var toChild: [Int32] = [0, 0], fromChild: [Int32] = [0, 0]
            guard ls_pipe_cloexec(&toChild) == 0 else { throw SpawnError(reason: "pipe: \(String(cString: strerror(errno)))") }
            guard ls_pipe_cloexec(&fromChild) == 0 else {
                close(toChild[0]); close(toChild[1])
                throw SpawnError(reason: "pipe: \(String(cString: strerror(errno)))")
            }
            let argv: [UnsafeMutablePointer<CChar>?] = [strdup(executable), strdup("worker"), nil]
            let pid = ls_spawn(executable, argv, toChild[0], fromChild[1])
            argv.forEach { free($0) }
            close(toChild[0])
            close(fromChild[1])
            guard pid > 0 else {
                close(toChild[1]); close(fromChild[0])
                throw SpawnError(reason: "cannot start \(executable): \(String(cString: strerror(-pid)))")
            }
            return (pid, fromChild[0], toChild[1])
        }
    }
}
