import CommandSupport

/// The tests' seeded choices are the commands' own generator.
public typealias SeededRandom = CommandSupport.SeededRandom
