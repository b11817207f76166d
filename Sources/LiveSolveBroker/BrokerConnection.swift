import AMQPBridge

/// One blocking connection to a RabbitMQ broker with one channel (rabbitmq-c through
/// `AMQPBridge`). Not thread-safe: it belongs to the thread that made it, which is never the
/// server's event loop.
public final class BrokerConnection {
    private let connection: OpaquePointer

    /// Connects and logs in; `confirms` waits for the broker's ack of every publish.
    public init(url: String, confirms: Bool, timeoutMillis: Int = 5000) throws(BrokerError) {
        var error = [CChar](repeating: 0, count: 512)
        guard let connection = amqpb_connect(url, confirms ? 1 : 0, Int32(timeoutMillis), &error, error.count) else {
            throw BrokerError(Self.text(error))
        }
        self.connection = connection
    }

    deinit { amqpb_close(connection) }

    /// Declares a queue; an empty name asks the broker for one. Returns its name.
    @discardableResult
    public func declareQueue(_ name: String, exclusive: Bool = false, autoDelete: Bool = false, durable: Bool = false) throws(BrokerError) -> String {
        var out = [CChar](repeating: 0, count: 256)
        try call { amqpb_declare_queue(connection, name, exclusive ? 1 : 0, autoDelete ? 1 : 0, durable ? 1 : 0, &out, out.count, $0, $1) }
        return Self.text(out)
    }

    /// Publishes to a queue through the default exchange. With confirms, it returns once the
    /// broker has taken this message and every one before it, unless `awaitConfirm` is false
    /// (then `awaitConfirms` waits for them all at once).
    public func publish(_ body: [UInt8], to queue: String, correlationID: String = "", messageID: String = "", replyTo: String = "",
                        persistent: Bool = false, awaitConfirm: Bool = true) throws(BrokerError) {
        try call { error, size in
            body.withUnsafeBytes {
                amqpb_publish(connection, queue, $0.baseAddress, $0.count, correlationID, messageID, replyTo, persistent ? 1 : 0,
                              awaitConfirm ? 1 : 0, error, size)
            }
        }
    }

    /// With confirms, waits until the broker has taken every message published so far.
    public func awaitConfirms() throws(BrokerError) {
        try call { amqpb_await_confirms(connection, $0, $1) }
    }

    /// Consumes a queue with manual acks and at most `prefetch` messages unacked, or, with
    /// `acks` false, with none: every message counts as delivered once the broker sends it.
    public func consume(_ queue: String, prefetch: Int = 1, acks: Bool = true) throws(BrokerError) {
        try call { amqpb_consume(connection, queue, Int32(prefetch), acks ? 1 : 0, $0, $1) }
    }

    /// The next delivery, waiting at most `timeoutMillis`; nil on timeout.
    public func next(timeoutMillis: Int) throws(BrokerError) -> Delivery? {
        var message = amqpb_message()
        var error = [CChar](repeating: 0, count: 512)
        switch amqpb_next(connection, Int32(timeoutMillis), &message, &error, error.count) {
        case 1:
            let body = message.body.map { Array(UnsafeRawBufferPointer(start: $0, count: message.length)) } ?? []
            return Delivery(body: body, correlationID: String(cString: message.correlation_id), messageID: String(cString: message.message_id),
                            replyTo: String(cString: message.reply_to),
                            queue: String(cString: message.routing_key), tag: message.delivery_tag)
        case 0:
            return nil
        default:
            throw BrokerError(Self.text(error))
        }
    }

    public func ack(_ delivery: Delivery) throws(BrokerError) {
        try call { amqpb_ack(connection, delivery.tag, $0, $1) }
    }

    /// A C string written into a buffer.
    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private func call(_ body: (UnsafeMutablePointer<CChar>, Int) -> Int32) throws(BrokerError) {
        var error = [CChar](repeating: 0, count: 512)
        let status = error.withUnsafeMutableBufferPointer { body($0.baseAddress!, $0.count) }
        if status != 0 { throw BrokerError(Self.text(error)) }
    }

    /// A message as delivered.
    public struct Delivery: Sendable {
        public var body: [UInt8]
        public var correlationID: String
        public var messageID: String
        public var replyTo: String
        /// The queue it was published to.
        public var queue: String
        public var tag: UInt64
    }
}

/// Why the broker could not be reached or used.
public struct BrokerError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The queues LiveSolve's server and remote workers share.
public enum BrokerQueues {
    /// Where remote workers announce themselves and send heartbeats; the server consumes it.
    public static let announce = "livesolve.announce"
    /// A remote worker's own queue: the requests for the models it holds.
    public static func worker(_ name: String) -> String { "livesolve.worker.\(name)" }
    /// Where a remote worker hears, mid-solve, that the server wants that solve stopped: its own
    /// queue delivers nothing more until the solve is answered.
    public static func stops(_ name: String) -> String { "livesolve.worker.\(name).stop" }
}
