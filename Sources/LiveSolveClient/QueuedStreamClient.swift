import LiveSolveModel
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A `StreamClient` whose messages queue up to be awaited one by one: the tests' client.
public final class QueuedStreamClient: Sendable {
    public let client: StreamClient
    private let state: NIOLockedValueBox<State>

    private struct State {
        var messages: [String] = []
        var waiter: CheckedContinuation<String?, Never>?
        /// Identifies the current wait, so a stale timeout cannot end a later one.
        var waitID = 0
        var closeCode: WebSocketErrorCodeBox?
        var isClosed = false
    }

    /// The close code the server sent, if it closed the connection.
    public var closeCode: Int? { state.withLockedValue { $0.closeCode?.code } }
    public var isClosed: Bool { state.withLockedValue { $0.isClosed } }

    private init(client: StreamClient, state: NIOLockedValueBox<State>) {
        self.client = client
        self.state = state
    }

    public static func connect(port: Int, offerDeflate: Bool = false, receiveBufferBytes: Int? = nil,
                               answersPings: Bool = true, headers: [(String, String)] = [], trustRoots: String? = nil) async throws -> QueuedStreamClient {
        let state = NIOLockedValueBox(State())
        let client = try await StreamClient.connect(port: port, offerDeflate: offerDeflate, receiveBufferBytes: receiveBufferBytes,
                                                    answersPings: answersPings, headers: headers, trustRoots: trustRoots, onMessage: { text in
            let waiter = state.withLockedValue { s -> CheckedContinuation<String?, Never>? in
                if let w = s.waiter { s.waiter = nil; return w }
                s.messages.append(text)
                return nil
            }
            waiter?.resume(returning: text)
        }, onClose: { code in
            let waiter = state.withLockedValue { s -> CheckedContinuation<String?, Never>? in
                s.isClosed = true
                s.closeCode = code.map { WebSocketErrorCodeBox(code: Int(UInt16(webSocketErrorCode: $0))) }
                defer { s.waiter = nil }
                return s.waiter
            }
            waiter?.resume(returning: nil)
        })
        return QueuedStreamClient(client: client, state: state)
    }

    public func send(_ text: String) { client.send(text) }

    /// The next message as JSON, or nil when none arrives within `seconds` or the connection closed.
    public func next(within seconds: Double = 30) async -> JSON? {
        guard let text = await nextText(within: seconds) else { return nil }
        return try? JSONParser.parse(text)
    }

    public func nextText(within seconds: Double = 30) async -> String? {
        await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
            let (ready, id): (String??, Int) = state.withLockedValue { s in
                if !s.messages.isEmpty { return (.some(s.messages.removeFirst()), 0) }
                if s.isClosed { return (.some(nil), 0) }
                s.waiter = continuation
                s.waitID += 1
                return (nil, s.waitID)
            }
            if let ready { return continuation.resume(returning: ready) }
            client.channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(seconds * 1e9))) { [state] in
                let waiter = state.withLockedValue { s -> CheckedContinuation<String?, Never>? in
                    guard s.waitID == id else { return nil }
                    defer { s.waiter = nil }
                    return s.waiter
                }
                waiter?.resume(returning: nil)
            }
        }
    }

    /// Sends a message and returns the next one that answers it (skipping solutions unless asked for one).
    public func request(_ text: String, within seconds: Double = 30) async -> JSON? {
        send(text)
        while let message = await next(within: seconds) {
            if case .string("solution")? = message["type"], message["id"] == nil { continue }
            return message
        }
        return nil
    }

    public func close() { client.close() }
}

/// A close code as an integer, storable in Sendable state.
struct WebSocketErrorCodeBox: Sendable {
    var code: Int
}
