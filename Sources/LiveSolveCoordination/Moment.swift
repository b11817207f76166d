/// A point on the server's monotonic clock, in nanoseconds since an arbitrary origin.
///
/// The state machines take the time as an input instead of reading a clock, so tests can walk
/// them through deadlines without waiting.
public struct Moment: Comparable, Hashable, Sendable {
    public var nanoseconds: UInt64

    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    public static func < (a: Moment, b: Moment) -> Bool { a.nanoseconds < b.nanoseconds }

    /// `seconds` later.
    public func adding(seconds: Double) -> Moment {
        Moment(nanoseconds: nanoseconds &+ UInt64(max(0, seconds) * 1e9))
    }
}
