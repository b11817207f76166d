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
    /// Runs `body` with a loop of a group of its own, shut down afterwards.
    private func onALoop<T>(_ body: (any EventLoop) throws -> T) throws -> T {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        return try body(group.next())
    }

    /// Seconds from a poll's start to the first byte read from a pipe the loop watches, when
    /// the byte is written `after` seconds into a poll of `window` seconds.
    private func firstReadDuringPoll(window: Double, writeAfter after: Double) throws -> Double {
        try onALoop { loop in try firstRead(on: loop, window: window, writeAfter: after) }
    }

    private func firstRead(on loop: any EventLoop, window: Double, writeAfter after: Double) throws -> Double {
        let poller = try #require(LoopPoller(loop: loop, windowMicros: Int(window * 1e6)))
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        let read = loop.makePromise(of: Double.self)
        let channel = try NIOPipeBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(FirstRead(read)) }
            }
            .takingOwnershipOfDescriptor(input: descriptors[0]).wait()
        defer { try? channel.close().wait(); close(descriptors[1]) }
        let start = try loop.submit { poller.inputDue(in: .zero); return Date() }.wait()
        Thread.sleep(forTimeInterval: after)
        #expect(write(descriptors[1], "x", 1) == 1)
        return try read.futureResult.wait() - start.timeIntervalSinceReferenceDate
    }

    private final class FirstRead: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        let promise: EventLoopPromise<Double>
        init(_ promise: EventLoopPromise<Double>) { self.promise = promise }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            promise.succeed(Date().timeIntervalSinceReferenceDate)
        }
    }

    @Test func theLoopsEpollDescriptorIsFoundAndAZeroWindowMeansNoPoller() throws {
        try onALoop { loop in
            #expect(LoopPoller(loop: loop, windowMicros: 100) != nil)
            #expect(LoopPoller(loop: loop, windowMicros: 0) == nil)
        }
    }

    @Test func aPollEndsWhenInputArrives() throws {
        // Written 50 ms into a 5 s poll: read long before the poll would have ended.
        let elapsed = try firstReadDuringPoll(window: 5, writeAfter: 0.05)
        #expect(elapsed < 2.5)
    }

    @Test func aPollThatSeesNoInputGivesTheLoopBackAfterItsWindow() throws {
        try onALoop { loop in
            let poller = try #require(LoopPoller(loop: loop, windowMicros: 200_000))
            let start = Date()
            // Queued behind the poll: it runs when the 0.2 s window ends.
            try loop.submit { poller.inputDue(in: .zero) }.wait()
            try loop.submit {}.wait()
            #expect(Date().timeIntervalSince(start) < 2)
        }
    }

    @Test func noPollForAnInputDueLaterThanTheWindow() throws {
        try onALoop { loop in
            let poller = try #require(LoopPoller(loop: loop, windowMicros: 5_000_000))
            let start = Date()
            try loop.submit { poller.inputDue(in: .seconds(6)); poller.inputDue(in: nil) }.wait()
            // Nothing holds the loop: a task submitted now runs at once, not after the 5 s window.
            try loop.submit {}.wait()
            #expect(Date().timeIntervalSince(start) < 2.5)
        }
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
