import Foundation
import LiveSolveClient
import LiveSolveModel
import LiveSolveServer
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Tokens, roles, origins and TLS against real servers and real sockets.
@Suite(.serialized) struct AuthTests {
    /// A tokens file with one token per role, and one limited to m1 and `desk-*`.
    struct Keys {
        let path: String
        let tokens: [String: String]

        init(_ entries: [(name: String, role: String, models: [String]?)] = [
            ("reader", "read", nil), ("writer", "write", nil), ("admin", "admin", nil), ("limited", "write", ["m1", "desk-*"]),
        ]) throws {
            var tokens: [String: String] = [:], text = "tokens:\n"
            for entry in entries {
                let token = Tokens.newToken()
                tokens[entry.name] = token
                text += "  - name: \(entry.name)\n    sha256: \(Tokens.hexDigest(of: token))\n    role: \(entry.role)\n"
                if let models = entry.models { text += "    models: [\(models.map { "\"\($0)\"" }.joined(separator: ", "))]\n" }
            }
            path = FileManager.default.temporaryDirectory.appendingPathComponent("livesolve-tokens-\(UUID().uuidString).yaml").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            self.tokens = tokens
        }

        func bearer(_ name: String) -> [String: String] { ["Authorization": "Bearer \(tokens[name]!)"] }
    }

    func request(_ port: Int, _ method: String, _ path: String, body: String? = nil, token: String? = nil,
                 origin: String? = nil) async throws -> (Int, JSON) {
        var headers: [String: String] = [:]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        if let origin { headers["Origin"] = origin }
        let (response, text) = try await httpResponse(port: port, method, path, body: body, headers: headers)
        return (response.statusCode, (try? JSONParser.parse(text)) ?? .null)
    }

    @Test func everyRoleAgainstEveryRESTPathAndStreamOp() async throws {
        let keys = try Keys()
        let server = try await TestServer.start(workers: 1) { $0.tokensFile = keys.path }
        let port = server.port
        let admin = keys.tokens["admin"]!
        var created: [String] = []
        for _ in 0..<5 {
            let (status, reply) = try await request(port, "POST", "/v1/models", body: refineryDocument, token: admin)
            #expect(status == 201)
            created.append(try #require(reply["model"]?.string))
        }
        #expect(created.first == "m1")

        // Without a token, or with a wrong one: 401 everywhere but /healthz.
        let paths: [(String, String, String?, Role)] = [
            ("GET", "/v1/models", nil, .read), ("GET", "/v1/models/m1", nil, .read),
            ("GET", "/v1/models/m1/solution", nil, .read), ("GET", "/v1/models/m1/updates", nil, .read),
            ("POST", "/v1/models", refineryDocument, .write), ("POST", "/v1/models/m1/updates", #"{"parameters":{"price[gasoline]":2.2}}"#, .write),
            ("POST", "/v1/models/m1/fork", "{}", .write), ("GET", "/metrics", nil, .admin),
        ]
        for (method, path, body, _) in paths {
            for token in [nil, "not-a-token"] {
                let (status, error) = try await request(port, method, path, body: body, token: token)
                #expect(status == 401, "\(method) \(path) token \(token ?? "none")")
                #expect(error["code"] == .string("unauthorized"), "\(method) \(path)")
            }
        }
        #expect(try await request(port, "GET", "/healthz").0 == 200)
        let (unauthorized, _) = try await httpResponse(port: port, "GET", "/v1/models")
        #expect(unauthorized.value(forHTTPHeaderField: "WWW-Authenticate") == "Bearer")

        // Each role: what it may do succeeds, the rest is 403.
        for (name, role) in [("reader", Role.read), ("writer", .write), ("admin", .admin)] {
            for (method, path, body, needed) in paths {
                let (status, reply) = try await request(port, method, path, body: body, token: keys.tokens[name])
                if role >= needed {
                    #expect((200..<300).contains(status), "\(name) \(method) \(path): \(status) \(reply)")
                } else {
                    #expect(status == 403, "\(name) \(method) \(path): \(status)")
                    #expect(reply["code"] == .string("forbidden"))
                }
            }
            let deleted = try await request(port, "DELETE", "/v1/models/\(created.removeLast())", token: keys.tokens[name])
            #expect(deleted.0 == (role == .admin ? 204 : 403), "\(name) DELETE")
        }

        // The stream: a token on the upgrade, or `auth` first.
        for (name, role) in [("reader", Role.read), ("writer", .write), ("admin", .admin)] {
            let client = try await QueuedStreamClient.connect(port: port, headers: [("Authorization", "Bearer \(keys.tokens[name]!)")])
            let subscribed = try #require(await client.request(#"{"op":"subscribe","id":1,"model":"m1"}"#))
            #expect(subscribed["type"] == .string("subscribed"), "\(name) \(subscribed)")
            _ = await client.next(within: 30)  // its snapshot
            #expect(await client.request(#"{"op":"get","id":2,"model":"m1"}"#)?["type"] == .string("solution"))
            let update = try #require(await client.request(#"{"op":"update","id":3,"model":"m1","parameters":{"price[gasoline]":2.3}}"#))
            #expect(update["type"] == .string(role >= .write ? "ack" : "error"), "\(name) \(update)")
            if role < .write { #expect(update["code"] == .string("forbidden")) }
            let create = try #require(await client.request(#"{"op":"create","id":4,"model":\#(refineryDocument)}"#))
            #expect(create["type"] == .string(role >= .write ? "created" : "error"), "\(name) \(create)")
            client.close()
        }
        await #expect(throws: (any Error).self) {
            try await QueuedStreamClient.connect(port: port, headers: [("Authorization", "Bearer wrong")])
        }

        let anonymous = try await QueuedStreamClient.connect(port: port)
        for op in [#"{"op":"subscribe","model":"m1"}"#, #"{"op":"get","model":"m1"}"#, #"{"op":"create","model":\#(refineryDocument)}"#,
                   #"{"op":"update","model":"m1","parameters":{"price[gasoline]":2.4}}"#] {
            #expect(await anonymous.request(op)?["code"] == .string("unauthorized"), "\(op)")
        }
        #expect(await anonymous.request(#"{"op":"auth","id":"a","token":"wrong"}"#)?["code"] == .string("unauthorized"))
        #expect(await anonymous.request(#"{"op":"ping","id":"p"}"#)?["type"] == .string("pong"))
        let authenticated = try #require(await anonymous.request(#"{"op":"auth","id":"b","token":"\#(keys.tokens["writer"]!)"}"#))
        #expect(authenticated["type"] == .string("authenticated"))
        #expect(authenticated["id"] == .string("b"))
        #expect(authenticated["role"] == .string("write"))
        #expect(await anonymous.request(#"{"op":"update","model":"m1","parameters":{"price[gasoline]":2.5}}"#)?["type"] == .string("ack"))
        anonymous.close()
        await server.stop()
    }

    @Test func aTokenLimitedToSomeModelsSeesNoOther() async throws {
        let keys = try Keys()
        let server = try await TestServer.start(workers: 1) {
            $0.tokensFile = keys.path
            $0.publicMetrics = true
        }
        let (admin, limited) = (keys.tokens["admin"]!, keys.tokens["limited"]!)
        // auth.publicMetrics: /metrics needs no token; everything else still does.
        #expect(try await request(server.port, "GET", "/metrics").0 == 200)
        #expect(try await request(server.port, "GET", "/v1/models").0 == 401)
        for name in ["first", "second"] {
            #expect(try await request(server.port, "POST", "/v1/models?name=\(name)", body: refineryDocument, token: admin).0 == 201)
        }
        let (_, list) = try await request(server.port, "GET", "/v1/models", token: limited)
        guard case .array(let models)? = list["models"] else { Issue.record("\(list)"); return }
        #expect(models.map { $0["model"] } == [.string("m1")])
        let (status, hidden) = try await request(server.port, "GET", "/v1/models/m2", token: limited)
        #expect(status == 404)
        #expect(hidden["code"] == .string("unknown_model"))
        #expect(try await request(server.port, "POST", "/v1/models/m2/updates", body: "{}", token: limited).0 == 404)

        let client = try await QueuedStreamClient.connect(port: server.port, headers: [("Authorization", "Bearer \(limited)")])
        #expect(await client.request(#"{"op":"subscribe","model":"m2"}"#)?["code"] == .string("unknown_model"))
        #expect(await client.request(#"{"op":"update","model":"m2","parameters":{"price[gasoline]":2.2}}"#)?["code"] == .string("unknown_model"))
        let refused = try #require(await client.request(#"{"op":"create","name":"other","model":\#(refineryDocument)}"#))
        #expect(refused["code"] == .string("forbidden"), "\(refused)")
        #expect(await client.request(#"{"op":"create","name":"desk-a","model":\#(refineryDocument)}"#)?["model"] == .string("m3"))
        client.close()
        await server.stop()
    }

    /// A `serve` child: a token taken out of the file and SIGHUP ends what its connections
    /// hold; a file that cannot be read on SIGHUP keeps the tokens in force.
    @Test func aTokenRemovedFromTheFileStopsWorkingOnSIGHUP() async throws {
        let (status, printed) = try await runLivesolve(["token", "--name", "feed", "--role", "write", "--models", "m*"])
        #expect(status == 0)
        let lines = printed.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        let token = lines[0]
        #expect(token.count == 43 && token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }, "\(token)")
        let keep = try Keys([("reader", "read", nil)])
        let file = try String(contentsOfFile: keep.path, encoding: .utf8)
        try (file + "  " + lines[1] + "\n").write(toFile: keep.path, atomically: true, encoding: .utf8)

        let (process, _, port) = try startServeProcess(arguments: ["--auth-tokens-file", keep.path])
        defer { process.terminate() }
        let client = try await QueuedStreamClient.connect(port: port, headers: [("Authorization", "Bearer \(token)")])
        let model = try await client.createRefinery()
        #expect(await client.request(#"{"op":"subscribe","model":"\#(model)"}"#)?["type"] == .string("subscribed"))
        _ = await client.next(within: 30)

        // A broken file is logged and changes nothing.
        try "tokens: [".write(toFile: keep.path, atomically: true, encoding: .utf8)
        kill(process.processIdentifier, SIGHUP)
        try await Task.sleep(for: .milliseconds(500))
        #expect(await client.request(#"{"op":"update","model":"\#(model)","parameters":{"price[gasoline]":2.2}}"#)?["type"] == .string("ack"))

        try file.write(toFile: keep.path, atomically: true, encoding: .utf8)
        kill(process.processIdentifier, SIGHUP)
        var ended: JSON?
        while ended == nil, let message = await client.next(within: 10) {
            if message["type"] == .string("error") { ended = message }
        }
        #expect(ended?["code"] == .string("unauthorized"))
        #expect(ended?["model"] == .string(model))
        #expect(await client.request(#"{"op":"get","model":"\#(model)"}"#)?["code"] == .string("unauthorized"))
        let reader = keep.tokens["reader"]!
        #expect(try await request(port, "GET", "/v1/models/\(model)", token: reader).0 == 200)
        #expect(try await request(port, "GET", "/v1/models/\(model)", token: token).0 == 401)
        client.close()
    }

    @Test func withoutTokensOnlyLoopbackRunsOpen() async throws {
        let (status, output) = try await runLivesolve(["serve", "--http-host", "0.0.0.0", "--http-port", "0", "--storage-durability", "off"], seconds: 10)
        #expect(status == 1)
        #expect(output.contains("auth.tokensFile") && output.contains("--auth-open true"), "\(output)")

        let (open, _, port) = try startServeProcess(arguments: ["--http-host", "0.0.0.0", "--auth-open", "true"])
        defer { open.terminate() }
        #expect(try await request(port, "GET", "/v1/models").0 == 200)
    }

    @Test func aBadTokensFileStopsServeNamingItsLineAndKey() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("livesolve-tokens-\(UUID().uuidString).yaml").path
        let digest = Tokens.hexDigest(of: "x")
        try "tokens:\n  - name: a\n    sha256: \(digest)\n    role: owner\n".write(toFile: path, atomically: true, encoding: .utf8)
        let (status, output) = try await runLivesolve(["serve", "--http-port", "0", "--auth-tokens-file", path], seconds: 10)
        #expect(status == 1)
        #expect(output.contains("\(path), line 4: tokens[0].role: expected read, write or admin, found owner"), "\(output)")
    }

    @Test func aForeignOriginIsRefused() async throws {
        let server = try await TestServer.start(workers: 1) { $0.allowedOrigins = [] }
        let port = server.port
        await #expect(throws: (any Error).self) {
            try await QueuedStreamClient.connect(port: port, headers: [("Origin", "https://evil.example")])
        }
        let own = try await QueuedStreamClient.connect(port: port, headers: [("Origin", "http://127.0.0.1:\(port)")])
        #expect(await own.request(#"{"op":"ping","id":1}"#)?["type"] == .string("pong"))
        own.close()
        let (status, error) = try await request(port, "POST", "/v1/models", body: refineryDocument, origin: "https://evil.example")
        #expect(status == 403)
        #expect(error["code"] == .string("forbidden"))
        #expect(try await request(port, "GET", "/v1/models", origin: "https://evil.example").0 == 200)
        #expect(try await request(port, "POST", "/v1/models", body: refineryDocument, origin: "http://localhost:3000").0 == 201)
        await server.stop()

        let listed = try await TestServer.start(workers: 1) { $0.allowedOrigins = ["https://desk.example"] }
        let desk = try await QueuedStreamClient.connect(port: listed.port, headers: [("Origin", "https://desk.example")])
        desk.close()
        await #expect(throws: (any Error).self) {
            try await QueuedStreamClient.connect(port: listed.port, headers: [("Origin", "http://localhost:3000")])
        }
        await listed.stop()
    }

    /// A certificate made by openssl here: https and wss on one port; plain ws there fails.
    @Test func tlsServesHTTPSAndWSSOnOnePort() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("livesolve-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let (certificate, key, otherKey) = ("\(folder)/cert.pem", "\(folder)/key.pem", "\(folder)/other.pem")
        try runTool("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate,
                                     "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        try runTool("/usr/bin/openssl", ["genrsa", "-out", otherKey, "2048"])

        let server = try await TestServer.start(workers: 1) {
            $0.tlsCertificate = certificate
            $0.tlsKey = key
        }
        let port = server.port
        let healthz = try runTool("/usr/bin/curl", ["-sS", "--cacert", certificate, "https://localhost:\(port)/healthz"])
        #expect(healthz.contains(#""status":"ok""#), "\(healthz)")
        let client = try await QueuedStreamClient.connect(port: port, trustRoots: certificate)
        let model = try await client.createRefinery()
        #expect(await client.request(#"{"op":"get","id":1,"model":"\#(model)"}"#)?["status"] == .string("optimal"))
        client.close()
        await #expect(throws: (any Error).self) { try await QueuedStreamClient.connect(port: port) }
        await server.stop()

        let (status, output) = try await runLivesolve(["serve", "--http-port", "0", "--storage-durability", "off",
                                                        "--tls-certificate", certificate, "--tls-key", otherKey], seconds: 10)
        #expect(status == 1)
        #expect(output.contains("tls.key \(otherKey) does not match tls.certificate"), "\(output)")
        let (missing, said) = try await runLivesolve(["serve", "--http-port", "0", "--storage-durability", "off",
                                                      "--tls-certificate", "\(folder)/none.pem", "--tls-key", key], seconds: 10)
        #expect(missing == 1)
        #expect(said.contains("tls.certificate \(folder)/none.pem"), "\(said)")
    }
}
