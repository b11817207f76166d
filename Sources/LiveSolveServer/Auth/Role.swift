/// What a token may do (PROTOCOL.md, "Authentication and limits"); each role includes the ones before it.
public enum Role: Int, Sendable, Comparable, CaseIterable {
    /// Look: list, get, subscribe.
    case read
    /// And change: create, update, fork.
    case write
    /// And delete models and read `/metrics`.
    case admin

    public init?(name: String) {
        guard let role = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = role
    }

    public var name: String {
        switch self {
        case .read: "read"
        case .write: "write"
        case .admin: "admin"
        }
    }

    public static func < (a: Role, b: Role) -> Bool { a.rawValue < b.rawValue }
}
