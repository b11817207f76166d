import LiveSolveCoordination
import NIOCore

/// The remote workers the broker brings: their transports by id, so that a reply reaches the
/// one it answers (or is dropped when that one is gone), and when each name was last heard.
/// On the coordinator's loop; the pool starts their slots through `Launcher`.
final class RemoteWorkers {
    let link: BrokerLink
    private(set) var transports: [WorkerID: RemoteWorkerTransport] = [:]
    /// When each worker's heartbeat last arrived.
    private(set) var lastHeard: [String: NIODeadline] = [:]
    /// The name of a remote slot (the pool's).
    var nameOfSlot: (Int) -> String? = { _ in nil }

    /// A worker not heard for this long is gone (it announces every second).
    static let silenceLimit = TimeAmount.seconds(3)

    init(link: BrokerLink) { self.link = link }

    func heard(_ name: String, at now: NIODeadline) { lastHeard[name] = now }

    /// Declares every transport of `name` gone.
    func declareGone(_ name: String) {
        lastHeard[name] = nil
        for transport in transports.values where transport.name == name { transport.kill() }
    }

    /// Declares gone every worker not heard since `now - silenceLimit`; returns their names.
    func declareSilentGone(at now: NIODeadline) -> [String] {
        let silent = lastHeard.filter { now - $0.value > Self.silenceLimit }.map(\.key)
        silent.forEach(declareGone)
        return silent
    }

    /// The broker is gone: so is every remote worker.
    func declareAllGone() {
        lastHeard = [:]
        for transport in transports.values { transport.kill() }
    }

    /// Routes a reply; false when no live transport has its correlation id (a late reply from a
    /// worker declared gone, or one for a server that has since restarted).
    func deliver(_ body: [UInt8], correlationID: String) -> Bool {
        guard let id = RemoteWorkerTransport.workerID(from: correlationID), let transport = transports[id], !transport.isGone else { return false }
        transport.received(body)
        return true
    }

    /// The pool forgot the process.
    func exited(_ id: WorkerID) { transports[id] = nil }

    private func launch(_ id: WorkerID, on loop: any EventLoop, report: @escaping WorkerReport) -> any WorkerTransport {
        let transport = RemoteWorkerTransport(id: id, name: nameOfSlot(id.slot) ?? "unknown", link: link, loop: loop, report: report)
        transports[id] = transport
        loop.execute { report(id, .started) }
        return transport
    }

    /// What the pool starts remote slots with: it reaches the registry on its loop.
    struct Launcher: WorkerLauncher {
        let workers: NIOLoopBound<RemoteWorkers>

        func launch(_ id: WorkerID, on loop: any EventLoop, report: @escaping WorkerReport) -> any WorkerTransport {
            workers.value.launch(id, on: loop, report: report)
        }
    }
}
