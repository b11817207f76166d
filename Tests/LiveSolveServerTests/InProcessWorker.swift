import Dispatch
import LiveSolveCoordination
import LiveSolveSolver
import LiveSolveWorker
import LiveSolveWorkerIPC
import NIOCore

@testable import LiveSolveServer

/// A worker transport for tests on a testing event loop, where no pipe can be read: the real
/// worker code and the real CLP, run in this process. Each request is solved as it is sent;
/// its reply reaches the pool from a serial queue, as a pipe's would, in order and never from
/// inside the call that sent it. A test suspends the queue to hold replies back.
final class InProcessWorker: WorkerTransport {
    private let service = WorkerService<ClpSolver>()
    private let id: WorkerID
    private let loop: any EventLoop
    private let report: WorkerReport
    private let replies: DispatchQueue
    private var matcher = ReplyMatcher()

    init(id: WorkerID, loop: any EventLoop, replies: DispatchQueue, report: @escaping WorkerReport) {
        self.id = id
        self.replies = replies
        self.loop = loop
        self.report = report
    }

    var pid: Int32? { nil }

    func send(_ request: WorkerRequest) {
        matcher.sent(request)
        let frame = service.handle(try! ReceivedRequest.decode(Array(request.frame().dropFirst(4))))
        // A stop has no reply.
        guard !frame.isEmpty, let event = matcher.received(try! ReceivedReply.decode(Array(frame.dropFirst(4)))) else { return }
        deliver(event)
    }

    func kill() { deliver(.exited) }

    fileprivate func deliver(_ event: WorkerEvent) {
        let (id, loop, report) = (self.id, self.loop, self.report)
        replies.async { loop.execute { report(id, event) } }
    }

    struct Launcher: WorkerLauncher {
        let replies: DispatchQueue

        func launch(_ id: WorkerID, on loop: any EventLoop, report: @escaping WorkerReport) -> any WorkerTransport {
            let worker = InProcessWorker(id: id, loop: loop, replies: replies, report: report)
            worker.deliver(.started)
            return worker
        }
    }
}
