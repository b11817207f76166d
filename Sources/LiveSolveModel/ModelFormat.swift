/// The text formats a model can be given in.
public enum ModelFormat: String, Sendable, CaseIterable {
    case json, lp, mps

    /// The format a file name implies (`.json`, `.lp`, `.mps`, optionally followed by `.gz`), if any.
    public init?(fileName: String) {
        var name = fileName.lowercased()
        if name.hasSuffix(".gz") { name.removeLast(3) }
        guard let dot = name.lastIndex(of: "."), let format = ModelFormat(rawValue: String(name[name.index(after: dot)...])) else { return nil }
        self = format
    }

    /// Reads `text` in this format.
    public func read(_ text: String) throws(ModelError) -> Model {
        switch self {
        case .json: try JSONModelReader.read(text)
        case .lp: try LPReader.read(text)
        case .mps: try MPSReader.read(text)
        }
    }
}
