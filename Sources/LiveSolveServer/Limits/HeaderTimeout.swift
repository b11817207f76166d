import NIOCore

/// Closes a connection whose first request head has not arrived within `http.headerTimeout`: a
/// client that opens sockets and sends nothing, or a byte at a time, holds no connection long.
/// It watches the bytes for the head's end (an empty line), then leaves the pipeline.
final class HeaderTimeout: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?
    /// How much of "\r\n\r\n" the bytes so far end with.
    private var matched = 0

    init(timeout: TimeAmount) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) {
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) { bound.value.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        let end: [UInt8] = [13, 10, 13, 10]
        for byte in bytes.readableBytesView where matched < 4 {
            matched = byte == end[matched] ? matched + 1 : (byte == 13 ? 1 : 0)
        }
        context.fireChannelRead(data)
        if matched == 4 {
            timer?.cancel()
            timer = nil
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }
}
