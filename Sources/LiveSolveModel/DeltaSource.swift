/// What applying a delta needs: its entries, each visited once. `ModelDelta` holds them in
/// dictionaries, which merging needs; a worker reads them in place from a request frame
/// instead, since building a dictionary for one entry costs more than the entry's use.
public protocol DeltaSource {
    var objectiveConstant: Double? { get }
    func forEachObjective(_ body: (Int32, Double) -> Void)
    func forEachColumnLower(_ body: (Int32, Double) -> Void)
    func forEachColumnUpper(_ body: (Int32, Double) -> Void)
    func forEachRowLower(_ body: (Int32, Double) -> Void)
    func forEachRowUpper(_ body: (Int32, Double) -> Void)
    /// Row, column, value.
    func forEachCoefficient(_ body: (Int32, Int32, Double) -> Void)
    var hasObjectiveEntries: Bool { get }
    var hasBoundEntries: Bool { get }
    var hasCoefficients: Bool { get }
}

extension DeltaSource {
    /// What the delta changes, which decides how a warm re-solve starts.
    public var kind: ModelDelta.Kind {
        if hasCoefficients { return .matrix }
        switch (objectiveConstant != nil || hasObjectiveEntries, hasBoundEntries) {
        case (false, false): return .nothing
        case (true, false): return .objective
        case (false, true): return .bounds
        case (true, true): return .objectiveAndBounds
        }
    }
}

extension ModelDelta: DeltaSource {
    public func forEachObjective(_ body: (Int32, Double) -> Void) { for (i, v) in objective { body(i, v) } }
    public func forEachColumnLower(_ body: (Int32, Double) -> Void) { for (i, v) in columnLower { body(i, v) } }
    public func forEachColumnUpper(_ body: (Int32, Double) -> Void) { for (i, v) in columnUpper { body(i, v) } }
    public func forEachRowLower(_ body: (Int32, Double) -> Void) { for (i, v) in rowLower { body(i, v) } }
    public func forEachRowUpper(_ body: (Int32, Double) -> Void) { for (i, v) in rowUpper { body(i, v) } }
    public func forEachCoefficient(_ body: (Int32, Int32, Double) -> Void) {
        for (entry, v) in coefficients { body(entry.row, entry.col, v) }
    }
    public var hasObjectiveEntries: Bool { !objective.isEmpty }
    public var hasBoundEntries: Bool { !columnLower.isEmpty || !columnUpper.isEmpty || !rowLower.isEmpty || !rowUpper.isEmpty }
    public var hasCoefficients: Bool { !coefficients.isEmpty }
}
