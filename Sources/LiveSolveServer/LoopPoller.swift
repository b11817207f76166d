import Glibc
import NIOCore

/// Keeps the event loop running for a moment when its next input is due within that moment,
/// instead of letting it sleep in `epoll_wait` and be woken.
///
/// Why: a W1 step reaches the loop twice (the client's update, then the worker's answer), each
/// time 40–70 µs after the loop last had work. Asleep by then, the loop was woken on its
/// virtual CPU with its caches cold; still running, it finds the input at once. W1's overhead,
/// medians of 8 alternating rounds against polling off: afiro 109.3 to 95.1 µs, adlittle 126.4
/// to 105.0 µs, with W2, W3 and W4 unchanged within their noise.
///
/// The coordinator decides when an input is due (`pollForInput`), so sparse traffic never pays:
/// a model's answer when its round trips are within the window, a client's next message when it
/// answers solutions that fast, and only with the cores to spare.
///
/// While polling it yields the processor on every turn, so a worker or client the scheduler
/// places on this core runs at once, and it stops as soon as the loop's epoll descriptor is
/// readable: a socket, a pipe, a due timer armed before the poll began. What it can delay, by
/// at most the window: a timer armed since the loop last waited, and a task from another thread
/// (NIO wakes the loop for those only while it waits).
///
/// The input it waits for may be one it reads itself (`DirectInput`: a worker's pipe, a
/// client's socket): when that arrives first, the poll reads it at once, instead of returning
/// to the loop for NIO's `epoll_wait` to report it and NIO's read path to deliver it. W1's
/// overhead, medians of 10 alternating rounds: afiro 84.9 to 81.1 µs with workers' replies
/// read so, and 75.0 to 70.2 with clients' messages too (adlittle 90.5 to 88.3, 79.5 to 73.2).
///
/// Used only on its loop (the coordinator's), hence the unchecked `Sendable`: its poll task is
/// handed to that same loop.
final class LoopPoller: @unchecked Sendable {
    let window: TimeAmount
    private let loop: any EventLoop
    /// The loop's epoll descriptor, then the direct input's, if any.
    private var descriptors: [pollfd]
    private var direct: (any DirectInput)?
    private var isScheduled = false
    /// Told each poll's length, and the direct input it read if any: what polling costs and
    /// buys is for operators to see (`/metrics`).
    private let record: (TimeAmount, (any DirectInput)?) -> Void

    /// Nil when `window` is zero, or when the loop's epoll descriptor cannot be found (NIO does
    /// not expose it: it is read by reflection and checked to be an epoll instance).
    init?(loop: any EventLoop, windowMicros: Int, record: @escaping (TimeAmount, (any DirectInput)?) -> Void = { _, _ in }) {
        guard windowMicros > 0, let descriptor = Self.epollDescriptor(of: loop) else { return nil }
        self.loop = loop
        self.window = .microseconds(Int64(windowMicros))
        self.descriptors = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
        descriptors.reserveCapacity(2)
        self.record = record
    }

    /// The next input is expected `expected` from now (nil: unknown), from `direct` if given.
    /// Polls after the loop's current work when that is within the window.
    func inputDue(in expected: TimeAmount?, from direct: (any DirectInput)? = nil) {
        guard let expected, expected <= window, !isScheduled else { return }
        isScheduled = true
        self.direct = direct
        loop.execute { self.poll() }
    }

    private func poll() {
        isScheduled = false
        let direct = self.direct
        self.direct = nil
        descriptors.removeSubrange(1...)
        if let fd = direct?.inputDescriptor { descriptors.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
        let start = NIODeadline.now()
        var now = start
        while Glibc.poll(&descriptors, nfds_t(descriptors.count), 0) == 0, now < start + window {
            sched_yield()
            now = .now()
        }
        let arrived = descriptors.count > 1 && descriptors[1].revents != 0 ? direct : nil
        arrived?.readInput()
        record(now - start, arrived)
    }

    private static func epollDescriptor(of loop: any EventLoop) -> CInt? {
        guard let selector = storedProperty("_selector", of: loop),
              let descriptor = storedProperty("selectorFD", of: selector) as? CInt, descriptor >= 0
        else { return nil }
        var target = [UInt8](repeating: 0, count: 64)
        let length = readlink("/proc/self/fd/\(descriptor)", &target, target.count)
        guard length > 0, String(decoding: target.prefix(length), as: UTF8.self) == "anon_inode:[eventpoll]" else { return nil }
        return descriptor
    }
}

/// An input the loop's poll reads itself when it arrives (see `LoopPoller`).
protocol DirectInput: AnyObject {
    /// The descriptor to watch; nil when it may not be read directly now.
    var inputDescriptor: CInt? { get }
    /// Reads what has arrived and handles it, on the loop.
    func readInput()
}
