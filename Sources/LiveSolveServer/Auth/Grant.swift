/// What one token allows: its entry's name (for logs), role and models.
public struct Grant: Sendable, Equatable {
    public var name: String
    public var role: Role
    /// The models it may see, by id or name; nil: every model.
    public var models: [ModelGlob]?
    /// The token's SHA-256, which finds the grant again after the tokens file is re-read.
    public var digest: [UInt8]

    public init(name: String, role: Role, models: [ModelGlob]?, digest: [UInt8]) {
        (self.name, self.role, self.models, self.digest) = (name, role, models, digest)
    }

    /// Whether a model with this id and name is one the token may see.
    public func sees(id: String, name: String) -> Bool {
        guard let models else { return true }
        return models.contains { $0.matches(id) || $0.matches(name) }
    }
}

/// Who a request comes from, as far as the server knows.
public enum Access: Sendable, Equatable {
    /// The server has no tokens file: every client is `admin`.
    case open
    /// Tokens are required and none (or a wrong one) was given.
    case anonymous
    case token(Grant)

    public var role: Role? {
        switch self {
        case .open: .admin
        case .anonymous: nil
        case .token(let grant): grant.role
        }
    }

    /// Whether it has `role` and may see the model.
    public func permits(_ role: Role, id: String, name: String) -> Bool {
        (self.role.map { $0 >= role } ?? false) && sees(id: id, name: name)
    }

    /// Whether it may see the model (an unseen model is `unknown_model` to it).
    public func sees(id: String, name: String) -> Bool {
        switch self {
        case .open: true
        case .anonymous: false
        case .token(let grant): grant.sees(id: id, name: name)
        }
    }
}
