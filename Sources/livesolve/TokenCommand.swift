import ArgumentParser
import LiveSolveServer
import LiveSolveModel

/// `livesolve token`: a new token, and the entry that lets it in.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Print a new random token, then the tokens-file entry for it.",
        discussion: """
            The first line is the token: give it to the client, it is not stored anywhere. The second is \
            the entry to add under tokens: in the file auth.tokensFile names (it holds only the token's \
            SHA-256); then send the server SIGHUP, or start it.
            """
    )

    @Option(help: "The entry's name, shown in logs.")
    var name: String

    @Option(help: "read, write or admin.")
    var role: String

    @Option(parsing: .upToNextOption, help: "Model ids or names the token is limited to (* globs); default: every model.")
    var models: [String] = []

    func validate() throws {
        guard Role(name: role) != nil else { throw ValidationError("--role: expected read, write or admin, found \(role)") }
        guard !name.isEmpty else { throw ValidationError("--name: expected a name") }
        if models.contains(where: \.isEmpty) { throw ValidationError("--models: expected model ids or names") }
    }

    func run() throws {
        let token = Tokens.newToken()
        var entry = "- {name: \(JSONWriter.quoted(name)), sha256: \(Tokens.hexDigest(of: token)), role: \(role)"
        if !models.isEmpty { entry += ", models: [\(models.map(JSONWriter.quoted).joined(separator: ", "))]" }
        print(token)
        print(entry + "}")
    }
}
