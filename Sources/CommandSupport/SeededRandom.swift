/// xorshift64*: seeded choices that replay the same on every machine, for the benches' feeds
/// and the tests that build random inputs (a failing seed is a reproducible case).
public struct SeededRandom: Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    }

    /// A number in `0..<bound`.
    public mutating func next(_ bound: Int) -> Int {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return Int((state &* 2_685_821_657_736_338_717) >> 33) % bound
    }

    /// One of `choices`.
    public mutating func pick<T>(_ choices: [T]) -> T { choices[next(choices.count)] }
}
