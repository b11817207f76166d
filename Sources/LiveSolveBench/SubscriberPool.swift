import CSupport
import Foundation
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#endif

/// W3's subscribers: thousands of WebSocket connections on plain non-blocking sockets, read by one
/// epoll loop on a thread of its own. On a two-core machine the load client shares the cores with
/// the server, so it must cost little per message: a read and a scan for `"seq":`, with none of a
/// channel pipeline's work per message (which made SwiftNIO's client the bottleneck at 10 000).
final class SubscriberPool: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private var subscribers: [RawConnection] = []
    private let epoll: Int32
    private let stopped = NIOLockedValueBox(false)
    private var thread: Thread?

    /// Connects `count` subscribers to `model`, on a thread of its own: the set-up blocks.
    static func connect(port: Int, token: String?, count: Int, model: String) async throws -> SubscriberPool {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try SubscriberPool(port: port, token: token, count: count, model: model) })
            }.start()
        }
    }

    /// Connects `count` subscribers to `model` one after another, each upgraded and subscribed.
    private init(port: Int, token: String?, count: Int, model: String) throws {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else { throw Failure(description: "epoll_create1: \(String(cString: strerror(errno)))") }
        let subscribe = #"{"op":"subscribe","model":"\#(model)"}"#
        do {
            for index in 0..<count {
                let connection = try RawConnection(port: port, token: token)
                subscribers.append(connection)
                try connection.send(subscribe)
                let fd = connection.fd
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                var event = epoll_event()
                event.events = EPOLLIN.rawValue
                event.data.u64 = UInt64(index)
                guard epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) == 0 else { throw Failure(description: "epoll_ctl: \(String(cString: strerror(errno)))") }
            }
        } catch {
            close()
            throw error
        }
    }

    /// Reads on a thread of its own until `close`; `onText(index, payload)` gets every text message.
    func start(onText: @escaping @Sendable (Int, UnsafeRawBufferPointer) -> Void) {
        let thread = Thread { [self] in
            var events = [epoll_event](repeating: epoll_event(), count: 256)
            var buffer = [UInt8](repeating: 0, count: 64 << 10)
            // Bounded wait: the stop flag is checked at least every 50 ms.
            while !stopped.withLockedValue({ $0 }) {
                let ready = epoll_wait(epoll, &events, Int32(events.count), 50)
                for event in events.prefix(Int(max(ready, 0))) {
                    readAll(Int(event.data.u64), into: &buffer, onText: onText)
                }
                // Drained: pause before waiting again. A thread blocked in epoll_wait is woken by
                // each of the server's writes, and on a VM that wake-up (an interrupt to the other
                // core) is charged to the server's write: measured, about 2 µs of its ~11 µs per
                // delivery. Receipt times are at most 0.5 ms late for it.
                if ready < Int32(events.count) { usleep(500) }
            }
        }
        thread.stackSize = 1 << 20
        self.thread = thread
        thread.start()
    }

    func close() {
        stopped.withLockedValue { $0 = true }
        // The loop sees the flag within its 50 ms wait; give it up to a second.
        for _ in 0..<1_000 where thread?.isFinished == false { usleep(1_000) }
        subscribers = []
        Glibc.close(epoll)
    }

    private func readAll(_ index: Int, into buffer: inout [UInt8], onText: (Int, UnsafeRawBufferPointer) -> Void) {
        let subscriber = subscribers[index]
        while true {
            let n = buffer.withUnsafeMutableBytes { read(subscriber.fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                // -1 with EAGAIN: drained. 0 or another error: the connection is gone; stop watching it.
                if n == 0 || errno != EAGAIN { epoll_ctl(epoll, EPOLL_CTL_DEL, subscriber.fd, nil) }
                return
            }
            subscriber.pending.append(contentsOf: buffer[0..<n])
            _ = try? subscriber.consumeFrames { onText(index, $0); return true }
            if n < buffer.count { return }
        }
    }
}
