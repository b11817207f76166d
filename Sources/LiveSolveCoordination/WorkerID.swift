/// One worker process: its slot in the pool and which process of that slot it is.
///
/// Every spawn gets a new generation, so a reply or an exit from a process that has since been
/// replaced never matches the one that replaced it.
public struct WorkerID: Hashable, Sendable, CustomStringConvertible {
    public let slot: Int
    public let generation: Int

    public init(slot: Int, generation: Int) {
        self.slot = slot
        self.generation = generation
    }

    public var description: String { "\(slot).\(generation)" }
}
