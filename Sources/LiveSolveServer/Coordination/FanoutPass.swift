import LiveSolveModel
import NIOCore

/// One pass of a model's newest version over its subscribers (see `Coordinator.publish`).
final class FanoutPass {
    /// Identifies a delta message: from which version, to which, with which fields.
    struct MessageKey: Hashable {
        var from: Int
        var to: Int
        var fields: FieldSet
    }

    let subscribers: [Subscription]
    var next = 0
    /// A version was installed during this pass: another pass follows it.
    var hasNewerVersion = false
    /// The messages encoded in this pass before the last one, each written to every subscriber it fits.
    var messages: [MessageKey: ByteBuffer] = [:]
    /// The last message encoded or written: most subscribers of a model share one.
    var lastMessage: (key: MessageKey, message: ByteBuffer)?

    init(subscribers: [Subscription]) { self.subscribers = subscribers }
}
