import Foundation
import LiveSolveBroker
import NIOConcurrencyHelpers

/// The server's two connections to the broker, each on a thread of its own so that the event
/// loop never waits on the network: one publishes requests to remote workers' queues (with
/// publisher confirms), one consumes the announcements and the server's reply queue. What
/// arrives goes to `events`, which hands it to the loop. A lost connection is reported once and
/// retried with backoff (0.1 s doubling to 5 s).
final class BrokerLink: Sendable {
    enum Event: Sendable {
        /// Consuming again; replies go to `replyQueue`.
        case connected
        case announced(name: String, models: Int)
        case gone(name: String)
        case reply(correlationID: String, body: [UInt8])
        /// The broker went away: every remote worker is gone with it.
        case lost(reason: String)
    }

    private struct Outbound: Sendable {
        var queue: String
        var body: [UInt8]
        var correlationID: String
        var messageID: String
    }

    private let url: String
    private let events: @Sendable (Event) -> Void
    /// Requests waiting for the publishing thread; the value is whether any wait.
    private let outbound = ConditionLock(value: false)
    private let pending = NIOLockedValueBox<[Outbound]>([])
    /// The server's exclusive reply queue, named by the broker at each connection.
    private let replyQueue = NIOLockedValueBox<String>("")
    private let stopped = NIOLockedValueBox(false)

    init(url: String, events: @escaping @Sendable (Event) -> Void) {
        self.url = url
        self.events = events
    }

    func start() {
        Thread { [self] in consume() }.start()
        Thread { [self] in publishUntilStopped() }.start()
    }

    func stop() {
        stopped.withLockedValue { $0 = true }
        outbound.lock()
        outbound.unlock(withValue: true)
    }

    /// Queues a request for a remote worker's queue.
    func publish(_ body: [UInt8], to queue: String, correlationID: String, messageID: String) {
        pending.withLockedValue { $0.append(Outbound(queue: queue, body: body, correlationID: correlationID, messageID: messageID)) }
        outbound.lock()
        outbound.unlock(withValue: true)
    }

    private var isStopped: Bool { stopped.withLockedValue { $0 } }

    private func consume() {
        var backoff = 100
        var reportedLoss = false
        while !isStopped {
            do {
                let connection = try BrokerConnection(url: url, confirms: false)
                // Deleted when this server goes: heartbeats with no server to hear them are dropped.
                try connection.declareQueue(BrokerQueues.announce, autoDelete: true)
                let replies = try connection.declareQueue("", exclusive: true, autoDelete: true)
                // Without acks: the reply queue lives and dies with this connection, so an ack
                // would protect nothing, and it costs the broker a message per solve (a tenth
                // of the throughput with two remote workers here); a lost heartbeat is harmless.
                try connection.consume(BrokerQueues.announce, acks: false)
                try connection.consume(replies, acks: false)
                replyQueue.withLockedValue { $0 = replies }
                events(.connected)
                (backoff, reportedLoss) = (100, false)
                while !isStopped {
                    guard let delivery = try connection.next(timeoutMillis: 200) else { continue }
                    if delivery.queue == BrokerQueues.announce {
                        announcement(delivery.body).map(events)
                    } else {
                        events(.reply(correlationID: delivery.correlationID, body: delivery.body))
                    }
                }
            } catch {
                replyQueue.withLockedValue { $0 = "" }
                if !reportedLoss {
                    events(.lost(reason: "\(error)"))
                    reportedLoss = true
                }
                Thread.sleep(forTimeInterval: Double(backoff) / 1000)
                backoff = min(5_000, backoff * 2)
            }
        }
    }

    /// `alive NAME MODELS` or `gone NAME`.
    private func announcement(_ body: [UInt8]) -> Event? {
        let words = String(decoding: body, as: UTF8.self).split(separator: " ").map(String.init)
        switch (words.first, words.count) {
        case ("alive", 3): return Int(words[2]).map { .announced(name: words[1], models: $0) }
        case ("gone", 2): return .gone(name: words[1])
        default: return nil
        }
    }

    private func publishUntilStopped() {
        var connection: BrokerConnection?
        while !isStopped {
            outbound.lock(whenValue: true)
            let batch = pending.withLockedValue { batch in
                defer { batch = [] }
                return batch
            }
            outbound.unlock(withValue: false)
            let replies = replyQueue.withLockedValue { $0 }
            guard !batch.isEmpty, !isStopped else { continue }
            do {
                if connection == nil { connection = try BrokerConnection(url: url, confirms: true) }
                // The whole batch, then its confirms at once: requests queue here while the
                // broker confirms the last batch, so two busy workers are not served one
                // round trip at a time.
                for message in batch {
                    try connection!.publish(message.body, to: message.queue, correlationID: message.correlationID,
                                            messageID: message.messageID, replyTo: replies, awaitConfirm: false)
                }
                try connection!.awaitConfirms()
            } catch {
                // Lost with the connection: the consuming side reports the broker gone, and
                // every remote worker's solves are dispatched again.
                connection = nil
            }
        }
    }
}
