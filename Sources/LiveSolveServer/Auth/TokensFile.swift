import Foundation
import Yams

/// Reads a tokens file (`auth.tokensFile`):
///
/// ```yaml
/// tokens:
///   - {name: desk, sha256: 9f86d0…, role: write, models: ["desk-*"]}
/// ```
///
/// Every mistake is refused whole, naming the file, the line and the key: a server must not
/// start (or, on SIGHUP, switch) with a half-read list of who may do what.
public enum TokensFile {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func read(_ path: String) throws(Failure) -> Tokens {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw Failure(description: "\(path): cannot read the tokens file: \(error.localizedDescription)")
        }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw Failure(description: "\(path): cannot be read as YAML: \(error)")
        }
        func fail(_ node: Node?, _ reason: String) -> Failure {
            Failure(description: "\(path)\(node?.mark.map { ", line \($0.line)" } ?? ""): \(reason)")
        }
        guard case .mapping(let top)? = root, let list = top["tokens"] else { throw fail(root, "tokens: missing (a list of {name, sha256, role, models})") }
        if let other = top.keys.first(where: { $0.string != "tokens" }) { throw fail(other, "unknown key \(other.string ?? ""); the file holds tokens:") }
        guard case .sequence(let entries) = list else { throw fail(list, "tokens: expected a list of entries") }
        var grants: [Grant] = []
        var names = Set<String>(), digests = Set<[UInt8]>()
        for (index, entry) in entries.enumerated() {
            let at = "tokens[\(index)]"
            guard case .mapping(let fields) = entry else { throw fail(entry, "\(at): expected {name, sha256, role, models}") }
            for key in fields.keys where !["name", "sha256", "role", "models"].contains(key.string ?? "") {
                throw fail(key, "\(at).\(key.string ?? ""): unknown key; an entry has name, sha256, role and models")
            }
            func scalar(_ key: String) throws(Failure) -> (String, Node) {
                guard let node = fields[key] else { throw fail(entry, "\(at).\(key): missing") }
                guard case .scalar(let value) = node, !value.string.isEmpty else { throw fail(node, "\(at).\(key): expected a value") }
                return (value.string, node)
            }
            let (name, nameNode) = try scalar("name")
            guard names.insert(name).inserted else { throw fail(nameNode, "\(at).name: \(name) is already the name of another entry") }
            let (hex, hexNode) = try scalar("sha256")
            guard let digest = bytes(hex: hex), digest.count == 32 else {
                throw fail(hexNode, "\(at).sha256: expected 64 hex digits (the SHA-256 of the token; `livesolve token` prints it), found \(hex.count) characters")
            }
            guard digests.insert(digest).inserted else { throw fail(hexNode, "\(at).sha256: the same token as another entry") }
            let (roleName, roleNode) = try scalar("role")
            guard let role = Role(name: roleName) else { throw fail(roleNode, "\(at).role: expected read, write or admin, found \(roleName)") }
            var models: [ModelGlob]?
            if let node = fields["models"] {
                guard case .sequence(let patterns) = node else { throw fail(node, "\(at).models: expected a list of model ids or names (with * globs)") }
                models = []
                for pattern in patterns {
                    guard case .scalar(let value) = pattern, !value.string.isEmpty else { throw fail(pattern, "\(at).models: expected an id or name") }
                    models!.append(ModelGlob(value.string))
                }
            }
            grants.append(Grant(name: name, role: role, models: models, digest: digest))
        }
        return Tokens(grants)
    }

    private static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.lowercased().utf8)
        guard digits.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        for pair in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[pair..<pair + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}
