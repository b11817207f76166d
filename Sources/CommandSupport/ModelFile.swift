import ArgumentParser
import CSupport
import LiveSolveModel

#if canImport(Glibc)
import Glibc
#endif

/// Reading model files from disk (gzip-compressed or not) for the CLI.
public enum ModelFile {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) { self.description = description }
    }

    /// The file's text; `.gz` files are decompressed.
    public static func text(at path: String) throws(Failure) -> String {
        var length = 0
        guard let buffer = ls_read_file(path, &length) else {
            throw Failure(description: "\(path): \(String(cString: strerror(errno)))")
        }
        defer { free(buffer) }
        return String(decoding: UnsafeRawBufferPointer(start: buffer, count: length), as: UTF8.self)
    }

    /// Reads a model, in `format` or the one its name implies.
    public static func read(_ path: String, format: ModelFormat? = nil) throws(Failure) -> Model {
        guard let format = format ?? ModelFormat(fileName: path) else {
            throw Failure(description: "\(path): cannot tell the format from the name; pass --format json, lp or mps")
        }
        let text = try text(at: path)
        do {
            var model = try format.read(text)
            if model.name.isEmpty { model.name = baseName(path) }
            return model
        } catch {
            throw Failure(description: "\(path): \(error.message)")
        }
    }

    public static func baseName(_ path: String) -> String {
        var name = String(path.split(separator: "/").last ?? Substring(path))
        for suffix in [".gz", ".json", ".lp", ".mps"] where name.lowercased().hasSuffix(suffix) { name.removeLast(suffix.count) }
        return name
    }
}

extension ModelFormat: ExpressibleByArgument {}
