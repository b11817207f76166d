import Crypto
import Foundation

/// The tokens a server accepts, from its tokens file: each by the SHA-256 of its text, so the
/// file never holds a token in clear.
public struct Tokens: Sendable {
    public let grants: [Grant]

    public init(_ grants: [Grant]) { self.grants = grants }

    /// The grant of a token, compared in constant time with every entry's digest.
    public func grant(for token: String) -> Grant? {
        let digest = SHA256.hash(data: Data(token.utf8))
        var found: Grant?
        // Every entry is compared, found or not: the time does not tell which one matched.
        for grant in grants where digest == grant.digest && found == nil { found = grant }
        return found
    }

    /// The grant now held by the token that had `digest`, after a reload; nil once it is gone.
    public func grant(digest: [UInt8]) -> Grant? {
        grants.first { $0.digest == digest }
    }

    /// A new random token: 32 bytes, URL-safe base64 without padding.
    public static func newToken() -> String {
        let key = SymmetricKey(size: .bits256)
        return key.withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The hex SHA-256 of a token, as its entry in the file holds it.
    public static func hexDigest(of token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
