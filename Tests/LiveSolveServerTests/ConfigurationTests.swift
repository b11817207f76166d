import Foundation
import LiveSolveServer
import Testing

/// `livesolve serve`'s settings: the YAML file and flags read, and every bad value or unknown
/// flag refused with the key named, rather than silently replaced by a default.
@Suite struct ConfigurationTests {
    private func yaml(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("livesolve-\(UUID()).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func theFileAndFlagsAreReadFlagsWinning() async throws {
        let file = try yaml("http:\n  port: 9001\nsolve:\n  timeLimit: 2.5\nwebsocket:\n  sendBufferBytes: 4096\n")
        let settings = try await ServerConfiguration.load(file: file, arguments: ["--http-port", "9002", "--workers-count=3"])
        #expect(settings.port == 9002)
        #expect(settings.workerCount == 3)
        #expect(settings.solveTimeLimit == 2.5)
        #expect(settings.sendBufferBytes == 4096)
        #expect(settings.maxMessageBytes == ServerConfiguration().maxMessageBytes)
    }

    @Test func theSecurityKeysAreReadListsAndBooleansToo() async throws {
        let file = try yaml("http:\n  allowedOrigins: [https://a.example, https://b.example]\nauth:\n  tokensFile: t.yaml\n  publicMetrics: true\n")
        let settings = try await ServerConfiguration.load(file: file, arguments: ["--auth-open", "true", "--limits-updates-per-second", "50"])
        #expect(settings.allowedOrigins == ["https://a.example", "https://b.example"])
        #expect(settings.tokensFile == "t.yaml")
        #expect(settings.publicMetrics && settings.authOpen)
        #expect(settings.updatesPerSecond == 50)
        let flags = try await ServerConfiguration.load(file: "/nonexistent.yaml", arguments: ["--http-allowed-origins", "https://c.example,https://d.example"])
        #expect(flags.allowedOrigins == ["https://c.example", "https://d.example"])
        await #expect { _ = try await ServerConfiguration.load(file: "/nonexistent.yaml", arguments: ["--auth-open", "yes"]) } throws: {
            "\($0)".hasPrefix("auth.open (AUTH_OPEN, --auth-open): expected true or false")
        }
    }

    @Test(arguments: [
        (["--http-port", "abc"], #"http.port (HTTP_PORT, --http-port): expected an integer from 0 to 65535, found "abc""#),
        (["--http-port", "70000"], "http.port"),
        (["--workers-count", "0"], "workers.count (WORKERS_COUNT, --workers-count): 0 leaves no worker to solve; it needs broker.url"),
        (["--workers-count", "1025"], "workers.count (WORKERS_COUNT, --workers-count): expected an integer from 0 to 1024"),
        (["--solve-mip-gap", "2"], "solve.mipGap (SOLVE_MIP_GAP, --solve-mip-gap): expected a number from 0 to 1, found \"2\""),
        (["--solve-incumbent-millis=-5"], "solve.incumbentMillis (SOLVE_INCUMBENT_MILLIS, --solve-incumbent-millis)"),
        (["--solve-preempt", "yes"], "solve.preempt (SOLVE_PREEMPT, --solve-preempt): expected true or false"),
        (["--solve-time-limit", "-1"], "solve.timeLimit (SOLVE_TIME_LIMIT, --solve-time-limit): expected seconds > 0"),
        (["--websocket-send-buffer-bytes", "-1"], "websocket.sendBufferBytes"),
        (["--limits-message-bytes=12x"], "limits.messageBytes (LIMITS_MESSAGE_BYTES, --limits-message-bytes)"),
        (["--htp-port", "9000"], "unknown option --htp-port; the options are --http-host, --http-port,"),
    ])
    func badFlagsAreRefusedByName(arguments: [String], message: String) async throws {
        await #expect {
            _ = try await ServerConfiguration.load(file: "/nonexistent.yaml", arguments: arguments)
        } throws: { error in
            "\(error)".hasPrefix(message)
        }
    }

    @Test func aBadValueInTheFileIsRefusedByName() async throws {
        let file = try yaml("fanout:\n  history: lots\n")
        await #expect {
            _ = try await ServerConfiguration.load(file: file, arguments: [])
        } throws: { error in
            "\(error)" == #"fanout.history (FANOUT_HISTORY, --fanout-history): expected an integer ≥ 1, found "lots""#
        }
    }

    /// swift-configuration reads only the keys it asks for: the file is checked first, so a
    /// misspelled key or a list where a value belongs is refused, not left at the default.
    @Test(arguments: [
        ("http:\n  prot: 9000\n", "line 2: unknown key http.prot; the keys are http.host, http.port,"),
        ("htp:\n  port: 9000\n", "line 1: unknown key htp; the keys are"),
        ("http:\n  port: [9000]\n", "line 2: http.port: expected one value, found a list"),
        ("http:\n  port:\n    value: 9000\n", "line 3: http.port: expected one value, found a section"),
        ("http: 9000\n", "line 1: http: expected a section of keys"),
        ("- http\n", "line 1: expected sections such as http: and workers:"),
        ("http:\n  port: 9000\n   x: [\n", ": cannot be read as YAML:"),
    ])
    func aFileKeyThatIsNotASettingIsRefused(text: String, message: String) async throws {
        let file = try yaml(text)
        await #expect {
            _ = try await ServerConfiguration.load(file: file, arguments: [])
        } throws: { error in
            "\(error)".hasPrefix(file) && "\(error)".contains(message)
        }
    }

    @Test func emptySectionsAndValuesAreTheDefaults() async throws {
        let file = try yaml("# nothing set\nhttp:\nworkers:\n  count:\nsolve: ~\n")
        let settings = try await ServerConfiguration.load(file: file, arguments: [])
        #expect(settings.port == ServerConfiguration().port)
        #expect(settings.workerCount == ServerConfiguration().workerCount)
        #expect(try await ServerConfiguration.load(file: try yaml(""), arguments: []).port == 8080)
    }

    /// The default file may be missing (defaults); a file named with --config must exist.
    @Test func aNamedFileMustExist() async throws {
        #expect(try await ServerConfiguration.load(file: "/nonexistent.yaml", arguments: []).port == 8080)
        await #expect {
            _ = try await ServerConfiguration.load(file: "/nonexistent.yaml", fileIsRequired: true, arguments: [])
        } throws: { error in
            "\(error)" == "/nonexistent.yaml: no such configuration file"
        }
    }

    /// The shipped file documents every key and holds nothing else.
    @Test func theShippedFileIsValid() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let settings = try await ServerConfiguration.load(file: root.appendingPathComponent("Config/livesolve.yaml").path, fileIsRequired: true, arguments: [])
        #expect(settings.port == 8080)
    }
}
