import Foundation
import Yams

/// Checks the YAML configuration file before its keys are read: it must exist when named with
/// `--config`, be YAML, and hold only keys `livesolve serve` reads, each with one value.
///
/// Why: swift-configuration looks up only the keys it is asked for, so a misspelled key
/// (`http.prot`), or a list where a number belongs (`port: [9000]`), would leave the default in
/// place without a word, and a mistyped `--config` path would start a server on defaults.
enum ConfigurationFile {
    typealias Failure = ServerConfiguration.ConfigurationError

    /// Returns whether the file has settings to read: false for a missing default file and for
    /// one with nothing but comments (which swift-configuration's YAML reader refuses).
    /// - Parameters:
    ///   - required: the path was given explicitly; the default file may be missing.
    ///   - keys: every key a setting reads, dotted (`http.port`).
    static func check(_ path: String, required: Bool, keys: [String], listKeys: [String] = []) throws(Failure) -> Bool {
        guard FileManager.default.fileExists(atPath: path) else {
            if required { throw Failure(description: "\(path): no such configuration file") }
            return false
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: try String(contentsOfFile: path, encoding: .utf8))
        } catch {
            throw Failure(description: "\(path): cannot be read as YAML: \(error)")
        }
        guard let root, !isNull(root) else { return false }
        try checkSection(root, named: "", in: path, keys: keys, listKeys: listKeys)
        return true
    }

    private static func checkSection(_ node: Node, named section: String, in path: String, keys: [String], listKeys: [String]) throws(Failure) {
        guard case .mapping(let members) = node else {
            throw failure(path, node, section.isEmpty ? "expected sections such as http: and workers:" : "\(section): expected a section of keys")
        }
        for (keyNode, value) in members {
            let name = keyNode.string ?? ""
            let key = section.isEmpty ? name : "\(section).\(name)"
            if listKeys.contains(key) {
                switch value {
                case .scalar: break
                case .sequence(let items) where items.allSatisfy({ if case .scalar = $0 { true } else { false } }): break
                default: throw failure(path, value, "\(key): expected a list of values, found \(kind(of: value))")
                }
            } else if keys.contains(key) {
                guard case .scalar = value else { throw failure(path, value, "\(key): expected one value, found \(kind(of: value))") }
            } else if keys.contains(where: { $0.hasPrefix(key + ".") }) {
                if !isNull(value) { try checkSection(value, named: key, in: path, keys: keys, listKeys: listKeys) }
            } else {
                throw failure(path, keyNode, "unknown key \(key); the keys are \(keys.joined(separator: ", "))")
            }
        }
    }

    private static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node else { return false }
        return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    private static func kind(of node: Node) -> String {
        switch node {
        case .sequence: "a list"
        case .mapping: "a section"
        case .scalar: "a value"
        case .alias: "an alias"
        }
    }

    private static func failure(_ path: String, _ node: Node, _ reason: String) -> Failure {
        Failure(description: "\(path)\(node.mark.map { ", line \($0.line)" } ?? ""): \(reason)")
    }
}
