import Foundation
import NIOCore
import NIOEmbedded
import NIOPosix
import Testing

@testable import LiveSolveServer

/// `LoopPoller` on a real SwiftNIO loop: it finds the loop's epoll descriptor (read by
/// reflection, so a SwiftNIO release that moves it must fail here, not quietly stop polling),
/// a poll ends when input arrives, and one that sees none gives the loop back after its window.
/// Bounds are generous: these check behaviour, the benchmarks measure time.
struct LoopPollerTests {
    private struct Failure: Error { var what: String }

    /// Runs `body` with a loop of a group of its own, shut down afterwards, on a thread of its
    /// own: it blocks, and on the tests' cooperative threads it would starve other tests' tasks
    /// (`onOwnThread`).
    private func onALoop<T: Sendable>(_ body: @escaping @Sendable (any EventLoop) throws -> T) async throws -> T {
        try await onOwnThread {
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            defer { try? group.syncShutdownGracefully() }
            return try body(group.next())
        }
    }

    private static func poller(on loop: any EventLoop, windowMicros: Int) throws -> LoopPoller {
        guard let poller = LoopPoller(loop: loop, windowMicros: windowMicros) else { throw Failure(what: "no poller") }
        return poller
    }

    /// Seconds from a poll's start to the first byte read from a pipe the loop watches, when
    /// the byte is written `after` seconds into a poll of `window` seconds.
    private func firstReadDuringPoll(window: Double, writeAfter after: Double) async throws -> Double {
        try await onALoop { loop in
            let poller = try Self.poller(on: loop, windowMicros: Int(window * 1e6))
            var descriptors: [Int32] = [0, 0]
            guard pipe(&descriptors) == 0 else { throw Failure(what: "pipe: \(errno)") }
            let read = loop.makePromise(of: Double.self)
            let channel = try NIOPipeBootstrap(group: loop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(FirstRead(read)) }
                }
                .takingOwnershipOfDescriptor(input: descriptors[0]).wait()
            defer { try? channel.close().wait(); close(descriptors[1]) }
            let start = try loop.submit { poller.inputDue(in: .zero); return Date() }.wait()
            Thread.sleep(forTimeInterval: after)
            guard write(descriptors[1], "x", 1) == 1 else { throw Failure(what: "write: \(errno)") }
            return try read.futureResult.wait() - start.timeIntervalSinceReferenceDate
        }
    }

    /// Seconds for a task submitted to the loop to run, after `setUp` ran on it.
    private func taskLatency(windowMicros: Int, _ setUp: @escaping @Sendable (LoopPoller) -> Void) async throws -> Double {
        try await onALoop { loop in
            let poller = try Self.poller(on: loop, windowMicros: windowMicros)
            let start = Date()
            try loop.submit { setUp(poller) }.wait()
            try loop.submit {}.wait()
            return Date().timeIntervalSince(start)
        }
    }

    private final class FirstRead: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        let promise: EventLoopPromise<Double>
        init(_ promise: EventLoopPromise<Double>) { self.promise = promise }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            promise.succeed(Date().timeIntervalSinceReferenceDate)
        }
    }

    @Test func theLoopsEpollDescriptorIsFoundAndAZeroWindowMeansNoPoller() async throws {
        let (found, noneForZero) = try await onALoop { loop in
            (LoopPoller(loop: loop, windowMicros: 100) != nil, LoopPoller(loop: loop, windowMicros: 0) == nil)
        }
        #expect(found)
        #expect(noneForZero)
    }

    @Test func aPollEndsWhenInputArrives() async throws {
        // Written 50 ms into a 5 s poll: read long before the poll would have ended.
        let elapsed = try await firstReadDuringPoll(window: 5, writeAfter: 0.05)
        #expect(elapsed < 2.5)
    }

    /// An input the poll reads itself: it reads every byte waiting on its pipe and records when.
    private final class PipeInput: DirectInput, @unchecked Sendable {
        let descriptor: CInt
        var readAt: Double?
        var bytes: [UInt8] = []
        init(_ descriptor: CInt) { self.descriptor = descriptor }
        var inputDescriptor: CInt? { descriptor }
        func readInput() {
            readAt = Date().timeIntervalSinceReferenceDate
            var chunk = [UInt8](repeating: 0, count: 64)
            let n = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if n > 0 { bytes += chunk[0..<n] }
        }
    }

    @Test func aPollReadsItsDirectInputItselfWhenThatArrives() async throws {
        let (readAt, bytes) = try await onALoop { loop in
            let poller = try Self.poller(on: loop, windowMicros: 5_000_000)
            // A pipe the loop does not watch: only the poll can see what arrives on it.
            var direct: [Int32] = [0, 0]
            guard pipe(&direct) == 0 else { throw Failure(what: "pipe: \(errno)") }
            defer { for fd in direct { close(fd) } }
            let input = PipeInput(direct[0])
            let start = try loop.submit { poller.inputDue(in: .zero, from: input); return Date() }.wait()
            Thread.sleep(forTimeInterval: 0.05)
            guard write(direct[1], "xyz", 3) == 3 else { throw Failure(what: "write: \(errno)") }
            // This task, queued behind the poll, runs once the poll has ended.
            let (readAt, bytes) = try loop.submit { (input.readAt, input.bytes) }.wait()
            return (readAt.map { $0 - start.timeIntervalSinceReferenceDate }, bytes)
        }
        // Read by the poll as it arrived, 50 ms into the 5 s window.
        #expect(readAt != nil && readAt! < 2.5)
        #expect(bytes == Array("xyz".utf8))
    }

    @Test func aPollThatSeesNoInputGivesTheLoopBackAfterItsWindow() async throws {
        // The task queued behind the poll runs when the 0.2 s window ends.
        let elapsed = try await taskLatency(windowMicros: 200_000) { $0.inputDue(in: .zero) }
        #expect(elapsed < 2)
    }

    @Test func noPollForAnInputDueLaterThanTheWindow() async throws {
        // Nothing holds the loop: a task submitted after runs at once, not after the 5 s window.
        let elapsed = try await taskLatency(windowMicros: 5_000_000) { poller in
            poller.inputDue(in: .seconds(6))
            poller.inputDue(in: nil)
        }
        #expect(elapsed < 2.5)
    }

    @Test func aClientThatStopsAnsweringSolutionsIsNoLongerPolledFor() {
        let connection = Connection(channel: EmbeddedChannel(), encoder: nil)
        connection.solutionSent(at: .now())
        connection.messageArrived()
        #expect(connection.answersWithin != nil)
        // Two solutions without a message between them: it does not answer each solution.
        connection.solutionSent(at: .now())
        connection.solutionSent(at: .now())
        #expect(connection.answersWithin == nil)
    }
}
