import ArgumentParser
import CommandSupport
import Foundation
import LiveSolveClient
import LiveSolveModel
import NIOConcurrencyHelpers

/// `livesolve replay`: streams a saved update log (`GET /v1/models/{id}/updates`) into a model.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Stream a saved update log (NDJSON from GET /v1/models/{id}/updates) into a model.",
        discussion: "Each line's update is sent as an update of --model, in order, at --rate per second (default: as fast as the server acknowledges). Exits 1 if the server rejects one."
    )

    @Option(help: "The server (wss:// with TLS).")
    var url = "ws://127.0.0.1:8080"

    @Option(help: "The bearer token for a server with tokens (default: $LIVESOLVE_TOKEN).")
    var token: String?

    @Option(help: "The model id, e.g. m1.")
    var model: String

    @Option(help: "The log: one {\"seq\":…,\"at\":…,\"update\":{…}} per line.")
    var updates: String

    @Option(help: "Updates per second (default: no pause).")
    var rate: Double?

    func validate() throws {
        if let rate, !(rate > 0 && rate <= 100_000) { throw ValidationError("--rate must be in (0, 100000]") }
    }

    func run() throws {
        do {
            try runBlocking { [self] in try await replay() }
        } catch let failure as ModelFile.Failure {
            printError(failure.description)
            throw ExitCode(1)
        }
    }

    func replay() async throws {
        let (host, port, isSecure) = try serverEndpoint(url)
        let headers = StreamClient.authorization(bearerToken(token))
        let text: String
        do { text = try String(contentsOfFile: updates, encoding: .utf8) } catch {
            throw ModelFile.Failure(description: "cannot read \(updates): \(error.localizedDescription)")
        }
        var messages: [String] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.allSatisfy(\.isWhitespace) {
            let entry: JSON
            do { entry = try JSONParser.parse(String(line)) } catch {
                throw ModelFile.Failure(description: "\(updates), line \(number + 1): \(error.reason)")
            }
            guard case .object(let fields)? = entry["update"] else {
                throw ModelFile.Failure(description: "\(updates), line \(number + 1): expected an object with an \"update\" object")
            }
            messages.append(JSONWriter.string(.object([("op", .string("update")), ("model", .string(model))] + fields)))
        }
        let tally = NIOLockedValueBox((acks: 0, errors: 0, lastError: ""))
        let client: StreamClient
        do {
            client = try await StreamClient.connect(host: host, port: port, headers: headers, secure: isSecure, onMessage: { text in
                guard let reply = try? JSONParser.parse(text) else { return }
                tally.withLockedValue { t in
                    if reply["type"] == .string("ack") { t.acks += 1 }
                    if reply["type"] == .string("error"), case .string(let message)? = reply["message"] { t.errors += 1; t.lastError = message }
                }
            })
        } catch {
            throw ModelFile.Failure(description: "cannot reach a LiveSolve server at \(url) (\(error)); is `livesolve serve` running there?")
        }
        defer { client.close() }
        let start = Date()
        for (i, message) in messages.enumerated() {
            if let rate {
                let due = start.addingTimeInterval(Double(i) / rate)
                if due > Date() { try await Task.sleep(for: .seconds(due.timeIntervalSinceNow)) }
            }
            client.send(message)
        }
        // Every update is answered: an ack or an error. Bounded by a minute of silence.
        var quiet = 0
        while tally.withLockedValue({ $0.acks + $0.errors }) < messages.count, quiet < 600 {
            try await Task.sleep(for: .milliseconds(100))
            quiet += 1
        }
        let t = tally.withLockedValue { $0 }
        print("replayed \(messages.count) updates into \(model): \(t.acks) acknowledged, \(t.errors) rejected\(t.errors > 0 ? " (last: \(t.lastError))" : "")")
        if t.errors > 0 || t.acks < messages.count { throw ExitCode(1) }
    }
}
