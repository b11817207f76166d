import Foundation
import LiveSolveClient
import LiveSolveModel
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// One closed-loop round: an update sent, and the first solution that includes it.
struct ClosedLoopSample: Sendable {
    var latencyMicros: Double
    var solveMicros: Double
    var objective: Double?
}

/// Drives W1 from the client connection's own event loop: each solution that includes the
/// update in flight is timed where it arrives and the next update goes out at once, so no
/// thread hand-off of the bench itself sits inside the measured time.
final class ClosedLoopDriver: Sendable {
    private struct State {
        var messages: [String] = []
        var index = 0
        var sentAt: UInt64 = 0
        var samples: [ClosedLoopSample] = []
        var promise: EventLoopPromise<[ClosedLoopSample]>?
        var client: StreamClient?
    }
    private let state = NIOLockedValueBox(State())
    /// Whether a reply answers the message at this index.
    private let answers: @Sendable (JSON, Int) -> Bool

    private init(answers: @escaping @Sendable (JSON, Int) -> Bool) { self.answers = answers }

    /// Sends each message once the previous one was answered, timing each from send to answer.
    static func run(port: Int, messages: [String], answers: @escaping @Sendable (JSON, Int) -> Bool) async throws -> [ClosedLoopSample] {
        let driver = ClosedLoopDriver(answers: answers)
        let client = try await StreamClient.connect(port: port, onBytes: { driver.received($0) })
        let promise = client.channel.eventLoop.makePromise(of: [ClosedLoopSample].self)
        driver.state.withLockedValue {
            $0.messages = messages
            $0.promise = promise
            $0.client = client
        }
        client.channel.eventLoop.execute { driver.sendNext() }
        defer { client.close() }
        return try await promise.futureResult.get()
    }

    private func sendNext() {
        let (client, message): (StreamClient?, String?) = state.withLockedValue { s in
            guard s.index < s.messages.count else {
                s.promise?.succeed(s.samples)
                s.promise = nil
                return (nil, nil)
            }
            s.sentAt = DispatchTime.now().uptimeNanoseconds
            return (s.client, s.messages[s.index])
        }
        if let client, let message { client.send(message) }
    }

    private static let ackPrefix = ByteBuffer(string: #"{"type":"ack""#)

    private func received(_ bytes: ByteBuffer) {
        let now = DispatchTime.now().uptimeNanoseconds
        // Acks arrive just before the solutions they announce: skip them without parsing.
        if bytes.readableBytesView.starts(with: Self.ackPrefix.readableBytesView) { return }
        let text = String(buffer: bytes)
        guard let reply = try? JSONParser.parse(text) else { return }
        if case .string("error")? = reply["type"] {
            state.withLockedValue { $0.promise?.fail(ModelFile.Failure(description: "server error: \(text)")); $0.promise = nil }
            return
        }
        let done: Bool = state.withLockedValue { s in
            guard s.index < s.messages.count, answers(reply, s.index) else { return false }
            let solve: Double = if case .number(let n)? = reply["stats"]?["solveMicros"] { n } else { 0 }
            let objective: Double? = if case .number(let o)? = reply["objective"] { o } else { nil }
            s.samples.append(ClosedLoopSample(latencyMicros: Double(now - s.sentAt) / 1000, solveMicros: solve, objective: objective))
            s.index += 1
            return true
        }
        if done { sendNext() }
    }
}

enum ClosedLoop {
    /// An `update` message for `model` from a stream step's update object.
    static func message(model: String, update: JSON) -> String {
        guard case .object(let fields) = update else { return "" }
        return JSONWriter.string(.object([("op", .string("update")), ("model", .string(model))] + fields))
    }

    /// Subscribes on a fresh driver connection and runs the updates closed-loop.
    static func run(port: Int, model: String, updates: [JSON], baseSeq: Int) async throws -> [ClosedLoopSample] {
        // The subscribe comes first: its snapshot (seq = baseSeq) answers it; then update i needs seq >= baseSeq + i.
        let messages = [#"{"op":"subscribe","model":"\#(model)"}"#] + updates.map { message(model: model, update: $0) }
        let samples = try await ClosedLoopDriver.run(port: port, messages: messages) { reply, index in
            guard case .string("solution")? = reply["type"], case .number(let seq)? = reply["seq"] else { return false }
            return Int(seq) >= baseSeq + index
        }
        return Array(samples.dropFirst())
    }
}
