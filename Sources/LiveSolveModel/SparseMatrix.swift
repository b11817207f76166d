/// A sparse matrix in column-major (CSC) form: the layout CLP loads directly.
/// Row indices within a column are kept ascending.
public struct SparseMatrix: Sendable, Equatable {
    public private(set) var rowCount: Int
    public private(set) var columnStarts: [Int32]
    public private(set) var rowIndices: [Int32]
    public private(set) var values: [Double]

    public var columnCount: Int { columnStarts.count - 1 }
    public var nonzeroCount: Int { values.count }

    /// Builds from entries given column by column; duplicate (row, column) entries are summed.
    public init(rowCount: Int, columns: [[(row: Int32, value: Double)]]) {
        self.rowCount = rowCount
        columnStarts = [0]
        columnStarts.reserveCapacity(columns.count + 1)
        rowIndices = []
        values = []
        for column in columns {
            let sorted = column.sorted { $0.row < $1.row }
            var i = 0
            while i < sorted.count {
                var value = sorted[i].value
                var j = i + 1
                while j < sorted.count, sorted[j].row == sorted[i].row { value += sorted[j].value; j += 1 }
                rowIndices.append(sorted[i].row)
                values.append(value)
                i = j
            }
            columnStarts.append(Int32(rowIndices.count))
        }
    }

    public init(rowCount: Int, columnStarts: [Int32], rowIndices: [Int32], values: [Double]) {
        self.rowCount = rowCount
        self.columnStarts = columnStarts
        self.rowIndices = rowIndices
        self.values = values
    }

    /// The entries of column `col` as (row, value) pairs.
    public func column(_ col: Int) -> [(row: Int32, value: Double)] {
        (Int(columnStarts[col])..<Int(columnStarts[col + 1])).map { (rowIndices[$0], values[$0]) }
    }

    private func position(row: Int, col: Int) -> (found: Bool, at: Int) {
        var low = Int(columnStarts[col]), high = Int(columnStarts[col + 1])
        while low < high {
            let mid = (low + high) / 2
            if Int(rowIndices[mid]) < row { low = mid + 1 } else { high = mid }
        }
        return (low < Int(columnStarts[col + 1]) && Int(rowIndices[low]) == row, low)
    }

    /// The stored value at (row, col), or nil when it is structurally zero.
    public func value(row: Int, col: Int) -> Double? {
        let (found, at) = position(row: row, col: col)
        return found ? values[at] : nil
    }

    /// Sets (row, col); a structurally zero entry is inserted (O(nonzeros), rare by design).
    public mutating func set(row: Int, col: Int, to value: Double) {
        let (found, at) = position(row: row, col: col)
        if found { values[at] = value; return }
        rowIndices.insert(Int32(row), at: at)
        values.insert(value, at: at)
        for j in (col + 1)..<columnStarts.count { columnStarts[j] += 1 }
    }
}
