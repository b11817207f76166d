import ArgumentParser
import CommandSupport
import Foundation
import LiveSolveClient
import LiveSolveModel
import LiveSolveServer
import NIOConcurrencyHelpers

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `livesolve feed`: a demo price feed that random-walks a model's named parameters over the WebSocket.
struct FeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed",
        abstract: "Random-walk a model's parameters at a rate, as a live price feed (for demos and load).",
        discussion: "Each tick multiplies every matching parameter by 1 + U(-step, step) and sends one update. Stops after --seconds, or on Ctrl-C."
    )

    @Option(help: "The model id, e.g. m1.")
    var model: String

    @Option(help: "Parameter names to move; * matches any text, e.g. 'price[*]'. Repeatable. Default: all.")
    var param: [String] = []

    @Option(help: "Updates per second.")
    var rate: Double = 50

    @Option(help: "The relative size of each move.")
    var step: Double = 0.01

    @Option(help: "Stop after this many seconds (default: run until interrupted).")
    var seconds: Double?

    @Option(help: "The server (wss:// with TLS).")
    var url = "ws://127.0.0.1:8080"

    @Option(help: "The bearer token for a server with tokens (default: $LIVESOLVE_TOKEN).")
    var token: String?

    func validate() throws {
        guard rate > 0, rate <= 10_000 else { throw ValidationError("--rate must be in (0, 10000]") }
        guard step >= 0, step < 1 else { throw ValidationError("--step must be in [0, 1)") }
        if let seconds, seconds <= 0 { throw ValidationError("--seconds must be positive") }
    }

    func run() throws {
        do {
            try runBlocking { [self] in try await feed() }
        } catch let failure as ModelFile.Failure {
            printError(failure.description)
            throw ExitCode(1)
        }
    }

    func feed() async throws {
        let (host, port, isSecure) = try serverEndpoint(url)
        let bearer = bearerToken(token)
        var values = try await parameters(host: host, port: port, isSecure: isSecure, token: bearer)
        let names = values.keys.filter { name in param.isEmpty || param.contains { ModelGlob($0).matches(name) } }.sorted()
        guard !names.isEmpty else {
            throw ModelFile.Failure(description: "no parameter of \(model) matches \(param.joined(separator: ", ")); it has: \(values.keys.sorted().joined(separator: ", "))")
        }
        let tally = NIOLockedValueBox((acks: 0, errors: 0, lastError: ""))
        let client = try await StreamClient.connect(host: host, port: port, headers: StreamClient.authorization(bearer),
                                                    secure: isSecure, onMessage: { text in
            guard let reply = try? JSONParser.parse(text) else { return }
            tally.withLockedValue { t in
                if reply["type"] == .string("ack") { t.acks += 1 }
                if reply["type"] == .string("error"), case .string(let message)? = reply["message"] { t.errors += 1; t.lastError = message }
            }
        })
        defer { client.close() }
        print("feeding \(names.count) parameter(s) of \(model) at \(rate)/s: \(names.prefix(6).joined(separator: ", "))\(names.count > 6 ? ", …" : "")")
        let start = Date()
        var sent = 0
        while seconds.map({ Date().timeIntervalSince(start) < $0 }) ?? true {
            let due = Int(Date().timeIntervalSince(start) * rate)
            while sent < due {
                for name in names { values[name]! *= 1 + Double.random(in: -step...step) }
                let update = JSON.object(names.map { ($0, JSON.number(values[$0]!)) })
                client.send(JSONWriter.string(.object([("op", .string("update")), ("model", .string(model)), ("parameters", update)])))
                sent += 1
            }
            try await Task.sleep(for: .milliseconds(max(1, Int(500 / rate))))
            if sent % max(1, Int(rate)) == 0 {
                let t = tally.withLockedValue { $0 }
                if t.errors > 0 { throw ModelFile.Failure(description: "the server rejected an update: \(t.lastError)") }
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        let t = tally.withLockedValue { $0 }
        print("sent \(sent) updates, \(t.acks) acknowledged, \(t.errors) rejected\(t.errors > 0 ? " (last: \(t.lastError))" : "")")
        if t.errors > 0 { throw ExitCode(1) }
    }

    /// The model's parameters and their current values, from `GET /v1/models/{id}?include=document`.
    func parameters(host: String, port: Int, isSecure: Bool, token: String?) async throws -> [String: Double] {
        var request = URLRequest(url: URL(string: "\(isSecure ? "https" : "http")://\(host):\(port)/v1/models/\(model)?include=document")!)
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let data: Data, response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw ModelFile.Failure(description: "cannot reach a LiveSolve server at \(self.url) (\(error.localizedDescription)); is `livesolve serve` running there?")
        }
        let json = try JSONParser.parse(String(decoding: data, as: UTF8.self))
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw ModelFile.Failure(description: json["message"].flatMap { if case .string(let m) = $0 { m } else { nil } } ?? "cannot read model \(model)")
        }
        guard case .object(let members)? = json["document"]?["parameters"] else { return [:] }
        return Dictionary(uniqueKeysWithValues: members.compactMap { if case .number(let v) = $0.value { ($0.key, v) } else { nil } })
    }
}
