import CSupport
import NIOCore
import NIOPosix
import Testing

@testable import LiveSolveServer

#if canImport(Glibc)
import Glibc
#endif

/// `DirectSocket` on a real accepted NIO channel, read by a blocking client on loopback.
@Suite struct DirectSocketTests {
    /// A NIO server on a free port, one accepted channel, and the client's blocking descriptor.
    private struct Pair {
        let group: MultiThreadedEventLoopGroup
        let accepted: any Channel
        let client: CInt

        static func open() async throws -> Pair {
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let promise = group.next().makePromise(of: (any Channel).self)
            let listener = try await ServerBootstrap(group: group)
                .childChannelInitializer { channel in
                    promise.succeed(channel)
                    return channel.eventLoop.makeSucceededVoidFuture()
                }
                .bind(host: "127.0.0.1", port: 0).get()
            let client = ls_connect_loopback(CInt(listener.localAddress!.port!), 2)
            try #require(client >= 0)
            let accepted = try await promise.futureResult.get()
            try await listener.close()
            return Pair(group: group, accepted: accepted, client: client)
        }

        /// Reads `count` bytes, or fewer when none come for 2 s.
        func read(_ count: Int) -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: count)
            var got = 0
            while got < count {
                let n = bytes.withUnsafeMutableBytes { Glibc.read(client, $0.baseAddress! + got, count - got) }
                guard n > 0 else { break }
                got += n
            }
            return Array(bytes.prefix(got))
        }

        func close() async throws {
            Glibc.close(client)
            try? await accepted.close()
            try await group.shutdownGracefully()
        }
    }

    private static func pattern(_ count: Int, seed: Int) -> ByteBuffer {
        ByteBuffer(bytes: (0..<count).map { UInt8(truncatingIfNeeded: $0 * 7 + seed) })
    }

    @Test func writesReachThePeerInOrderAndAFullBufferIsHandedBack() async throws {
        let pair = try await Pair.open()
        let (first, second) = (Self.pattern(100, seed: 1), Self.pattern(300, seed: 2))
        let unwrittenAtOnce = try await pair.accepted.eventLoop.submit {
            let socket = try #require(DirectSocket(channel: pair.accepted))
            return socket.write(first, second)
        }.get()
        #expect(unwrittenAtOnce == nil)
        #expect(try await onOwnThread { pair.read(400) } == Array(first.readableBytesView) + Array(second.readableBytesView))

        // The client does not read: the kernel's buffers fill and what it refuses comes back.
        // Byte i of the stream is i % 251, so a byte lost or sent twice shows.
        _ = try await pair.accepted.setOption(.socketOption(.so_sndbuf), value: 4096).get()
        let chunkSize = 64 << 10
        let (taken, rest) = try await pair.accepted.eventLoop.submit { () -> (Int, ByteBuffer?) in
            let socket = try #require(DirectSocket(channel: pair.accepted))
            var taken = 0
            for _ in 0..<256 {
                let chunk = ByteBuffer(bytes: (taken..<taken + chunkSize).map { UInt8($0 % 251) })
                if let rest = socket.write(nil, chunk) { return (taken + chunkSize - rest.readableBytes, rest) }
                taken += chunkSize
            }
            return (taken, nil)
        }.get()
        let unwritten = try #require(rest)
        #expect(unwritten.readableBytes > 0 && unwritten.readableBytes <= chunkSize)
        // NIO writes the rest as the client reads: every byte arrives, once, in order.
        let written = pair.accepted.eventLoop.makePromise(of: Void.self)
        pair.accepted.writeAndFlush(unwritten, promise: written)
        let total = taken + unwritten.readableBytes
        let received = try await onOwnThread { pair.read(total + 1) }  // one more: nothing may follow
        try await written.futureResult.get()
        #expect(received.count == total)
        #expect(received.enumerated().allSatisfy { $0.element == UInt8($0.offset % 251) })
        try await pair.close()
    }

    @Test func aChannelWithBytesWaitingInNIOIsLeftToNIO() async throws {
        let pair = try await Pair.open()
        let found = try await pair.accepted.eventLoop.submit { () -> Bool in
            pair.accepted.write(Self.pattern(10, seed: 4), promise: nil)  // written, not flushed
            return DirectSocket(channel: pair.accepted) != nil
        }.get()
        #expect(!found)
        try await pair.close()
    }
}
