import LiveSolveCoordination

/// One connection's subscription to one model, shared by the connection's table and the model's
/// subscriber list, so publishing reaches each subscriber's state without a dictionary lookup.
final class Subscription {
    let connection: Connection
    /// The model's id.
    let model: String
    let fields: FieldSet
    var state: SubscriberState
    /// False once unsubscribed, replaced by a new subscribe, or its connection closed: a
    /// fan-out pass under way skips it.
    var isActive = true

    init(connection: Connection, model: String, fields: FieldSet, state: SubscriberState) {
        self.connection = connection
        self.model = model
        self.fields = fields
        self.state = state
    }
}
