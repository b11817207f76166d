import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Stops a server started by a bench when the bench is gone, however it went.
///
/// The bench starts `livesolve serve` with stdin a pipe whose write end only the bench holds, and
/// with `variable` set. When the bench exits, even by SIGKILL (which it cannot catch to stop its
/// child), the pipe reads end of file, and the server stops as on SIGTERM instead of living on
/// as an orphan. The pipe is watched on the server's one event loop, like every other pipe.
enum ParentWatch {
    static let variable = "LIVESOLVE_STOP_WITH_PARENT"

    /// Watches stdin on `group`'s loop, for the bench whose process id is `parent` (the
    /// variable's value). The server must already handle SIGTERM.
    static func start(on group: any EventLoopGroup, parent: pid_t) async throws {
        let input = dup(0)
        guard input >= 0 else { return }
        do {
            _ = try await NIOPipeBootstrap(group: group)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(EndOfInput(parent: parent)) }
                }
                .takingOwnershipOfDescriptor(input: input)
                .get()
        } catch {
            close(input)
            throw error
        }
    }

    private final class EndOfInput: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let parent: pid_t

        init(parent: pid_t) { self.parent = parent }

        /// Whatever the bench writes (it writes nothing) is dropped.
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

        /// End of file, or the loop closing the pipe as the server stops: only the first means
        /// the bench is gone, and then the server has a new parent (also when the bench was gone
        /// before the watch began: the pipe reads end of file at once).
        func channelInactive(context: ChannelHandlerContext) {
            if getppid() != parent { kill(getpid(), SIGTERM) }
            context.fireChannelInactive()
        }
    }
}
