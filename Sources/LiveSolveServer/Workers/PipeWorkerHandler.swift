import LiveSolveCoordination
import LiveSolveWorkerIPC
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// The pipes of one worker process: requests out as frames, reply frames in, each reply
/// matched to the request it answers (a worker answers every request, in order) and reported.
final class PipeWorkerHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = WorkerRequest
    typealias OutboundOut = ByteBuffer

    private let id: WorkerID
    private let pid: pid_t
    private let report: WorkerReport
    private var matcher = ReplyMatcher()
    private let replies = FrameBuffer()
    private var hasExited = false

    init(id: WorkerID, pid: pid_t, report: @escaping WorkerReport) {
        self.id = id
        self.pid = pid
        self.report = report
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        matcher.sent(request)
        context.write(wrapOutboundOut(ByteBuffer(bytes: request.frame())), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        unwrapInboundIn(data).withUnsafeReadableBytes { replies.append($0) }
        do {
            while let payload = try replies.nextFrame() { received(try ReceivedReply.decode(payload)) }
        } catch {
            // A reply that cannot be decoded: the worker cannot be trusted.
            _ = Glibc.kill(pid, SIGKILL)
            context.close(promise: nil)
        }
    }

    private func received(_ reply: ReceivedReply) {
        if let event = matcher.received(reply) { report(id, event) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !hasExited {
            hasExited = true
            Self.reap(pid, on: context.eventLoop)
            // On the next tick: a failed write can close the channel inside the coordinator's
            // own dispatch, which must finish before the exit is handled.
            let (id, report) = (self.id, self.report)
            context.eventLoop.execute { report(id, .exited) }
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// Reaps the exited process without blocking, every 20 ms up to `attempts` times, so it
    /// leaves no zombie. Its status is not needed: a worker's exit means the same whatever it is.
    static func reap(_ pid: pid_t, on loop: any EventLoop, attempts: Int = 50) {
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid || attempts == 0 { return }
        loop.scheduleTask(in: .milliseconds(20)) { reap(pid, on: loop, attempts: attempts - 1) }
    }
}
