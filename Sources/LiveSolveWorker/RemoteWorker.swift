import Foundation
import LiveSolveBroker
import LiveSolveModel
import LiveSolveSolver
import LiveSolveWorkerIPC
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `livesolve worker --broker URL`: the worker loop of a pipe worker, its requests and replies
/// carried as AMQP message bodies (a frame's payload, without its length prefix).
///
/// It consumes a queue of its own (`livesolve.worker.NAME`, prefetch 1, acked once answered),
/// answers each request to the reply queue it names with the request's correlation id, and
/// announces itself every second on `livesolve.announce` from a thread and a connection of its
/// own, so a long solve does not look like a dead worker. That thread also hears stops, on
/// `livesolve.worker.NAME.stop`: each names the request it stops (by message id), and the
/// solve of that request reads it between CBC's events. When the broker goes away it
/// reconnects with backoff, as a new worker: the server loads its models again. SIGTERM ends
/// it after the current request is answered.
public final class RemoteWorker: Sendable {
    private let url: String
    private let name: String
    private let models: Int
    private let stop = HeardStop()

    public init(url: String, name: String, models: Int) {
        (self.url, self.name, self.models) = (url, name, models)
    }

    /// Serves until SIGTERM or SIGINT. Returns the exit code.
    public func run() -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        ls_remote_worker_stopping = 0
        // A parent's threads may have blocked these (a process inherits its spawner's mask).
        var stops = sigset_t()
        sigemptyset(&stops)
        sigaddset(&stops, SIGTERM)
        sigaddset(&stops, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &stops, nil)
        signal(SIGTERM) { _ in ls_remote_worker_stopping = 1 }
        signal(SIGINT) { _ in ls_remote_worker_stopping = 1 }
        let heartbeat = Thread { [self] in announceUntilStopped() }
        heartbeat.start()
        var backoff = 100
        while ls_remote_worker_stopping == 0 {
            do {
                try serve()
                backoff = 100
            } catch {
                log("\(error); reconnecting in \(backoff) ms")
                sleepUnlessStopping(milliseconds: backoff)
                backoff = min(5_000, backoff * 2)
            }
        }
        log("stopped")
        return 0
    }

    /// One session with the broker: a fresh worker (the server treats it as a new one).
    private func serve() throws(BrokerError) {
        let connection = try BrokerConnection(url: url, confirms: true)
        let queue = BrokerQueues.worker(name)
        // Deleted with its last consumer: requests to a worker that is gone are not kept.
        try connection.declareQueue(queue, autoDelete: true)
        try connection.consume(queue, prefetch: 1)
        log("serving \(queue)")
        let link = ReplyLink(connection: connection, stop: stop)
        let service = WorkerService<ModelSolver>(link: link)
        while ls_remote_worker_stopping == 0 {
            guard let delivery = try connection.next(timeoutMillis: 200) else { continue }
            link.replyTo = (delivery.replyTo, delivery.correlationID)
            link.messageID = delivery.messageID
            let answer: [UInt8]
            if let request = try? ReceivedRequest.decode(delivery.body) {
                answer = service.handle(request)
            } else {
                answer = WorkerReply.error(model: nil, message: "malformed request").frame()
            }
            if !answer.isEmpty { try link.publish(answer) }
            try connection.ack(delivery)
        }
    }

    /// Announces this worker every second until it stops, reconnecting as needed, and hears
    /// stops in between.
    private func announceUntilStopped() {
        var connection: BrokerConnection?
        var failing = false
        let message = Array("alive \(name) \(models)".utf8)
        while ls_remote_worker_stopping == 0 {
            do {
                if connection == nil {
                    let fresh = try BrokerConnection(url: url, confirms: false)
                    // Without acks: a stop that is lost only lets a solve run to its end.
                    try fresh.declareQueue(BrokerQueues.stops(name), autoDelete: true)
                    try fresh.consume(BrokerQueues.stops(name), acks: false)
                    connection = fresh
                }
                // The server declares the queue; with no server there, the announcement is dropped.
                try connection!.publish(message, to: BrokerQueues.announce)
                if failing { log("announcing again") }
                failing = false
                try hearStops(on: connection!, forMillis: 1000)
            } catch {
                // Said once per outage: without announcements the server does not count this worker.
                if !failing { log("cannot announce: \(error); retrying every second") }
                failing = true
                connection = nil
                sleepUnlessStopping(milliseconds: 1000)
            }
        }
        // The server hears of the end at once rather than after missed heartbeats.
        try? connection?.publish(Array("gone \(name)".utf8), to: BrokerQueues.announce)
    }

    private func hearStops(on connection: BrokerConnection, forMillis milliseconds: Int) throws(BrokerError) {
        let end = monotonicMillis() + milliseconds
        while ls_remote_worker_stopping == 0, case let left = end - monotonicMillis(), left > 0 {
            guard let delivery = try connection.next(timeoutMillis: min(left, 50)) else { continue }
            stop.hear(delivery.body, for: delivery.messageID)
        }
    }

    private func monotonicMillis() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return now.tv_sec * 1000 + now.tv_nsec / 1_000_000
    }

    private func sleepUnlessStopping(milliseconds: Int) {
        var left = milliseconds
        while left > 0, ls_remote_worker_stopping == 0 {
            usleep(UInt32(min(left, 50)) * 1000)
            left -= 50
        }
    }

    private func log(_ message: String) {
        let line = Array("livesolve worker \(name)[\(getpid())]: \(message)\n".utf8)
        _ = line.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}

/// Set by SIGTERM and SIGINT: a handler may touch only such a global.
nonisolated(unsafe) private var ls_remote_worker_stopping: sig_atomic_t = 0


/// The newest stop heard, with the message id of the request it stops: shared by the thread that
/// hears stops and the solve that reads them.
private final class HeardStop: Sendable {
    private let heard = Mutex<(messageID: String, payload: [UInt8])?>(nil)

    func hear(_ payload: [UInt8], for messageID: String) { heard.withLock { $0 = (messageID, payload) } }

    /// The stop for the request `messageID`, once.
    func take(for messageID: String) -> [UInt8]? {
        heard.withLock { heard in
            guard let stop = heard, !messageID.isEmpty, stop.messageID == messageID else { return nil }
            heard = nil
            return stop.payload
        }
    }
}

/// Sends a solve's replies (incumbents and its answer) to the request's reply queue, and hands
/// the solve the stops meant for it. No other request arrives mid-solve: the next waits until
/// this one is acked.
private final class ReplyLink: FrameLink {
    let connection: BrokerConnection
    var replyTo: (queue: String, correlationID: String) = ("", "")
    /// The request being answered.
    var messageID = ""
    private let stop: HeardStop

    init(connection: BrokerConnection, stop: HeardStop) {
        (self.connection, self.stop) = (connection, stop)
    }

    func write(_ bytes: [UInt8]) -> Bool {
        (try? publish(bytes)) != nil
    }

    func publish(_ frame: [UInt8]) throws(BrokerError) {
        try connection.publish(Array(frame.dropFirst(4)), to: replyTo.queue, correlationID: replyTo.correlationID)
    }

    /// A stop for the request being answered; or SIGTERM, which ends an integer model's search
    /// as a shutdown request would: the solve answers as it stands.
    func frameIfArrived() throws(FrameChannel.ReadError) -> [UInt8]? {
        if let stopped = stop.take(for: messageID) { return stopped }
        guard ls_remote_worker_stopping != 0, !toldToStop else { return nil }
        toldToStop = true
        return Array(WorkerRequest.shutdown.frame().dropFirst(4))
    }

    private var toldToStop = false
}
