/// A request's `id` as the replies echo it: its JSON text exactly as sent ("verbatim",
/// PROTOCOL.md), so `1.50`, `1e3` and integers past 2^53 come back as written, not as a double.
struct EchoedID: Sendable {
    let json: String
}
