import Foundation
import LiveSolveModel
import NIOConcurrencyHelpers

/// Who may do what: the tokens (re-read on SIGHUP) and the browser origins allowed. Shared by
/// the WebSocket upgrade, the REST routes and the coordinator, on whatever thread they run.
public final class Authority: Sendable {
    /// Nil: the server runs open, every client `admin`.
    private let tokens: NIOLockedValueBox<Tokens?>
    /// Empty: the server's own origin (the request's `Host`) and any loopback origin.
    private let allowedOrigins: [String]

    public init(tokens: Tokens?, allowedOrigins: [String]) {
        self.tokens = NIOLockedValueBox(tokens)
        self.allowedOrigins = allowedOrigins.map { $0.lowercased() }
    }

    /// The access an `Authorization` header gives; nil when it names no valid token.
    func access(authorization header: String?) -> Access? {
        guard let tokens = tokens.withLockedValue({ $0 }) else { return .open }
        guard let header else { return .anonymous }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return tokens.grant(for: parts[1].trimmingCharacters(in: .whitespaces)).map(Access.token)
    }

    /// The access a token in an `auth` message gives; nil when it is not valid.
    func access(token: String) -> Access? {
        guard let tokens = tokens.withLockedValue({ $0 }) else { return .open }
        return tokens.grant(for: token).map(Access.token)
    }

    /// What an access held on an open connection has become after the tokens changed.
    func refreshed(_ access: Access) -> Access {
        guard case .token(let grant) = access else { return access }
        return tokens.withLockedValue { $0?.grant(digest: grant.digest) }.map(Access.token) ?? .anonymous
    }

    func replace(_ new: Tokens) { tokens.withLockedValue { $0 = new } }

    /// Whether a page from `origin` may open a WebSocket or change state. A request without an
    /// `Origin` is not from a browser page, and may.
    func allows(origin: String?, host: String?) -> Bool {
        guard let origin = origin?.lowercased() else { return true }
        if !allowedOrigins.isEmpty { return allowedOrigins.contains(origin) }
        guard let url = URLComponents(string: origin), let originHost = url.host else { return false }
        if Self.isLoopback(originHost) { return true }
        // The server's own origin: the page came from the host:port this request is sent to.
        let authority = originHost + (url.port.map { ":\($0)" } ?? "")
        return host?.lowercased() == authority
    }

    /// Whether `host` names this machine only: `localhost`, 127.0.0.0/8, `::1`.
    public static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        return bare == "localhost" || bare == "::1" || bare.hasPrefix("127.") || bare.hasSuffix(".localhost")
    }

    /// The error for a request without a valid token: none given, or one that is not valid.
    static func unauthorized(tokenGiven: Bool, model: String? = nil) -> RequestError {
        let reason = tokenGiven
            ? "the token is not valid"
            : "this server needs a token: an Authorization: Bearer header, or {\"op\":\"auth\",\"token\":…} first on a WebSocket"
        return RequestError(.unauthorized, reason, model: model)
    }

    /// Refuses an access below `role` (`unauthorized` without a token, `forbidden` with one).
    static func require(_ role: Role, of access: Access, for what: String, model: String? = nil) throws(RequestError) {
        guard let held = access.role else { throw unauthorized(tokenGiven: false, model: model) }
        guard held >= role else {
            let name = if case .token(let grant) = access { "the token \(JSONWriter.quoted(grant.name))" } else { "this client" }
            throw RequestError(.forbidden, "\(name) has role \(held.name); \(what) needs \(role.name)", model: model)
        }
    }
}
