/// `storage.durability`: when a change counts as accepted.
enum Durability: String {
    /// Its ack, its 2xx and every solution that includes it wait for its commit.
    case sync
    /// Acknowledged at once; committed within `storage.flushMillis`.
    case async
    /// Nothing is written: the server's state lives in memory only.
    case off
}
