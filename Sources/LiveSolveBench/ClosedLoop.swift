import CommandSupport
import Foundation
import LiveSolveClient
import LiveSolveModel

/// One closed-loop round: an update sent, and the first solution that includes it.
struct ClosedLoopSample: Sendable {
    var latencyMicros: Double
    var solveMicros: Double
    var objective: Double?
    /// Answered by the ranging fast path, without a solve.
    var isRanging = false
}

/// Drives W1 on a thread of its own over a blocking socket: each update is timed from its
/// `write` to the return of the `read` that completed the solution including it, and the next
/// goes out at once, so no event loop or thread hand-off of the bench sits inside the time.
enum ClosedLoopDriver {
    /// Sends each message once the previous one was answered, timing each from send to answer.
    /// `answers(reply, index)` says whether a reply answers the message at `index`.
    static func run(port: Int, token: String?, messages: [String], answers: @escaping @Sendable (JSON, Int) -> Bool) async throws -> [ClosedLoopSample] {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try drive(RawConnection(port: port, token: token), messages: messages, answers: answers) })
            }.start()
        }
    }

    private static let ackPrefix = Array(#"{"type":"ack""#.utf8)

    private static func drive(_ connection: RawConnection, messages: [String], answers: (JSON, Int) -> Bool) throws -> [ClosedLoopSample] {
        var samples: [ClosedLoopSample] = []
        samples.reserveCapacity(messages.count)
        for (index, message) in messages.enumerated() {
            // Framed before the clock starts: the client's own work is not the server's latency.
            let frame = connection.frame(opcode: 0x1, payload: Array(message.utf8))
            let sentAt = DispatchTime.now().uptimeNanoseconds
            try connection.write(frame)
            while true {
                let bytes = try connection.receiveText()
                let now = connection.lastReadAt
                // Acks arrive just before the solutions they announce: skip them without parsing.
                if bytes.starts(with: ackPrefix) { continue }
                let text = String(decoding: bytes, as: UTF8.self)
                guard let reply = try? JSONParser.parse(text) else { continue }
                if case .string("error")? = reply["type"] { throw ModelFile.Failure(description: "server error: \(text)") }
                guard answers(reply, index) else { continue }
                let solve: Double = if case .number(let n)? = reply["stats"]?["solveMicros"] { n } else { 0 }
                let objective: Double? = if case .number(let o)? = reply["objective"] { o } else { nil }
                samples.append(ClosedLoopSample(latencyMicros: (Double(now) - Double(sentAt)) / 1000, solveMicros: solve, objective: objective,
                                                isRanging: reply["stats"]?["algorithm"] == .string("ranging")))
                break
            }
        }
        return samples
    }
}

enum ClosedLoop {
    /// An `update` message for `model` from a stream step's update object.
    static func message(model: String, update: JSON) -> String {
        guard case .object(let fields) = update else { return "" }
        return JSONWriter.string(.object([("op", .string("update")), ("model", .string(model))] + fields))
    }

    /// Subscribes on a fresh driver connection and runs the updates closed-loop.
    static func run(port: Int, token: String?, model: String, updates: [JSON], baseSeq: Int) async throws -> [ClosedLoopSample] {
        // The subscribe comes first: its snapshot (seq = baseSeq) answers it; then update i needs seq >= baseSeq + i.
        let messages = [#"{"op":"subscribe","model":"\#(model)"}"#] + updates.map { message(model: model, update: $0) }
        let samples = try await ClosedLoopDriver.run(port: port, token: token, messages: messages) { reply, index in
            guard case .string("solution")? = reply["type"], case .number(let seq)? = reply["seq"] else { return false }
            return Int(seq) >= baseSeq + index
        }
        return Array(samples.dropFirst())
    }
}
