import LiveSolveBroker
import LiveSolveCoordination
import LiveSolveWorkerIPC
import NIOCore

/// A worker on another machine, reached through the broker: requests go to its own queue as
/// frame payloads, its replies come back on the server's reply queue with this transport's
/// correlation id (slot and generation), matched to requests as a pipe's are. Once it is
/// declared gone (`kill`: missed heartbeats, a solve past its deadline, the broker lost), a
/// late reply with its id finds no transport and is dropped.
final class RemoteWorkerTransport: WorkerTransport {
    let id: WorkerID
    let name: String
    private let link: BrokerLink
    private let loop: any EventLoop
    private let report: WorkerReport
    private var matcher = ReplyMatcher()
    private(set) var isGone = false
    /// Names each request (its message id), so a stop names the solve it is for: stops travel
    /// apart from requests and may arrive after the next solve has begun.
    private let tag = UInt64.random(in: 0...UInt64.max)
    private var requestsSent = 0
    private var lastSolve = ""

    init(id: WorkerID, name: String, link: BrokerLink, loop: any EventLoop, report: @escaping WorkerReport) {
        (self.id, self.name, self.link, self.loop, self.report) = (id, name, link, loop, report)
    }

    /// What goes with every request, and comes back with every reply to it.
    var correlationID: String { Self.correlationID(of: id) }

    static func correlationID(of id: WorkerID) -> String { "\(id.slot).\(id.generation)" }

    static func workerID(from correlationID: String) -> WorkerID? {
        let parts = correlationID.split(separator: ".")
        guard parts.count == 2, let slot = Int(parts[0]), let generation = Int(parts[1]) else { return nil }
        return WorkerID(slot: slot, generation: generation)
    }

    var pid: Int32? { nil }

    func send(_ request: WorkerRequest) {
        guard !isGone else { return }
        // A server that stops lets its remote workers be: they serve the next one.
        if case .shutdown = request { return kill() }
        matcher.sent(request)
        let payload = Array(request.frame().dropFirst(4))
        if case .stop = request {
            return link.publish(payload, to: BrokerQueues.stops(name), correlationID: correlationID, messageID: lastSolve)
        }
        requestsSent += 1
        let messageID = "\(tag).\(requestsSent)"
        if case .solve = request { lastSolve = messageID }
        link.publish(payload, to: BrokerQueues.worker(name), correlationID: correlationID, messageID: messageID)
    }

    /// Declares the worker gone: its exit is reported on the next tick, and nothing it sends
    /// is heard again. The process itself, elsewhere, is not ours to kill.
    func kill() {
        guard !isGone else { return }
        isGone = true
        let (id, report) = (self.id, self.report)
        loop.execute { report(id, .exited) }
    }

    /// A reply frame's payload from the broker.
    func received(_ payload: [UInt8]) {
        guard !isGone else { return }
        do {
            if let event = matcher.received(try ReceivedReply.decode(payload)) { report(id, event) }
        } catch {
            // A reply that cannot be decoded: the worker cannot be trusted.
            kill()
        }
    }
}
