import CSupport
import LiveSolveModel
import LiveSolveWorkerIPC
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// One `livesolve worker` child process, driven from the event loop over its pipes.
///
/// Requests are written in order and answered in order, so `expected` says what each incoming
/// reply answers. Touched only on the event loop (by the coordinator and the channel's handler).
final class WorkerProcess: @unchecked Sendable {
    enum Expectation {
        case load(UInt32)
        case solve(UInt32)
        case drop(UInt32)
    }

    let slot: Int
    let pid: pid_t
    private(set) var channel: (any Channel)?
    var expected: [Expectation] = []
    /// Models this worker holds, as the coordinator last sent them.
    var held: Set<UInt32> = []
    var isAlive = true
    /// The worker's replies as they arrive from the channel, until whole.
    private let replies = FrameBuffer()
    private let onReply: @Sendable (WorkerProcess, ReceivedReply) -> Void

    /// Busy while a load or solve is outstanding; a queued drop does not count.
    var isBusy: Bool {
        expected.contains { if case .drop = $0 { false } else { true } }
    }

    private init(slot: Int, pid: pid_t, onReply: @escaping @Sendable (WorkerProcess, ReceivedReply) -> Void) {
        self.slot = slot
        self.pid = pid
        self.onReply = onReply
    }

    /// Spawns `executable worker` with pipes on its stdin/stdout, its other descriptors closed and
    /// its signal dispositions reset, and hands the parent's ends to the loop.
    static func spawn(slot: Int, executable: String, on loop: any EventLoop,
                      onReply: @escaping @Sendable (WorkerProcess, ReceivedReply) -> Void,
                      onExit: @escaping @Sendable (WorkerProcess) -> Void) -> EventLoopFuture<WorkerProcess> {
        var toChild: [Int32] = [0, 0], fromChild: [Int32] = [0, 0]
        guard ls_pipe_cloexec(&toChild) == 0 else { return loop.makeFailedFuture(SpawnError(reason: "pipe: \(errno)")) }
        guard ls_pipe_cloexec(&fromChild) == 0 else {
            close(toChild[0]); close(toChild[1])
            return loop.makeFailedFuture(SpawnError(reason: "pipe: \(errno)"))
        }
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(executable), strdup("worker"), nil]
        let pid = ls_spawn(executable, argv, toChild[0], fromChild[1])
        argv.forEach { free($0) }
        close(toChild[0])
        close(fromChild[1])
        guard pid > 0 else {
            close(toChild[1]); close(fromChild[0])
            return loop.makeFailedFuture(SpawnError(reason: "cannot start \(executable): \(String(cString: strerror(-pid)))"))
        }
        let worker = WorkerProcess(slot: slot, pid: pid, onReply: onReply)
        return NIOPipeBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(WorkerReplyHandler(worker: worker, onExit: onExit))
                }
            }
            .takingOwnershipOfDescriptors(input: fromChild[0], output: toChild[1])
            .map { channel in
                worker.channel = channel
                return worker
            }
    }

    func send(_ request: WorkerRequest, expecting expectation: Expectation) {
        guard let channel, isAlive else { return }
        expected.append(expectation)
        channel.writeAndFlush(ByteBuffer(bytes: request.frame()), promise: nil)
    }

    /// Bytes of the worker's stdout: every whole reply among them is decoded and reported, in
    /// order. A reply that cannot be decoded means the worker cannot be trusted: it is killed.
    func received(_ bytes: UnsafeRawBufferPointer) {
        replies.append(bytes)
        deliverReplies()
    }

    private func deliverReplies() {
        do {
            while let payload = try replies.nextFrame() { onReply(self, try ReceivedReply.decode(payload)) }
        } catch {
            kill()
            closeChannel()
        }
    }

    /// Kills the process (a solve overran its time limit, or the server is stopping).
    func kill() {
        _ = Glibc.kill(pid, SIGKILL)
    }

    /// Reaps the exited process without blocking, every 20 ms up to `attempts` times, so it leaves no zombie.
    func reap(on loop: any EventLoop, attempts: Int = 50) {
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid || attempts == 0 { return }
        loop.scheduleTask(in: .milliseconds(20)) { self.reap(on: loop, attempts: attempts - 1) }
    }

    func closeChannel() {
        channel?.close(promise: nil)
    }
}

struct SpawnError: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}

/// Hands the worker's stdout to its `WorkerProcess`, which decodes the replies and reports them,
/// and reports the worker's exit (EOF on its stdout) to the coordinator.
final class WorkerReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let worker: WorkerProcess
    let onExit: @Sendable (WorkerProcess) -> Void

    init(worker: WorkerProcess, onExit: @escaping @Sendable (WorkerProcess) -> Void) {
        self.worker = worker
        self.onExit = onExit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        unwrapInboundIn(data).withUnsafeReadableBytes { worker.received($0) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if worker.isAlive {
            worker.isAlive = false
            // Reported on the next loop tick: a failed write can close the channel inside the
            // coordinator's own dispatch, which must finish before the exit is handled.
            let (worker, onExit) = (self.worker, self.onExit)
            context.eventLoop.execute { onExit(worker) }
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
