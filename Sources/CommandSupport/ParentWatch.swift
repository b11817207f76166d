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
public enum ParentWatch {
    public static let variable = "LIVESOLVE_STOP_WITH_PARENT"

    /// Watches stdin on `group`'s loop. The server must already handle SIGTERM.
    public static func start(on group: any EventLoopGroup) async throws {
        let input = dup(0)
        guard input >= 0 else { return }
        do {
            _ = try await NIOPipeBootstrap(group: group)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(EndOfInput()) }
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

        /// Whatever the bench writes (it writes nothing) is dropped.
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

        /// End of file closes the channel: the bench is gone (also when it went before the watch
        /// began, as the pipe then reads end of file at once). Nothing else closes it: the loop
        /// outlives the server, and the process exits with the pipe still open. The parent's
        /// process id cannot tell instead: the kernel closes a dying process's files before it
        /// hands its children to a new parent.
        func channelInactive(context: ChannelHandlerContext) {
            kill(getpid(), SIGTERM)
            context.fireChannelInactive()
        }
    }
}
