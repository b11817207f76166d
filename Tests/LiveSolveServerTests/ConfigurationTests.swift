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
        let file = try yaml("http:\n  port: 9001\nsolve:\n  timeLimit: 2.5\nwebsocket:\n  directWrites: false\n")
        let settings = try await ServerConfiguration.load(file: file, arguments: ["--http-port", "9002", "--workers-count=3"])
        #expect(settings.port == 9002)
        #expect(settings.workerCount == 3)
        #expect(settings.solveTimeLimit == 2.5)
        #expect(settings.directWrites == false)
        #expect(settings.maxMessageBytes == ServerConfiguration().maxMessageBytes)
    }

    @Test(arguments: [
        (["--http-port", "abc"], #"http.port (HTTP_PORT, --http-port): expected an integer from 0 to 65535, found "abc""#),
        (["--http-port", "70000"], "http.port"),
        (["--workers-count", "0"], "workers.count"),
        (["--solve-time-limit", "-1"], "solve.timeLimit (SOLVE_TIME_LIMIT, --solve-time-limit): expected seconds > 0"),
        (["--websocket-direct-writes", "maybe"], "websocket.directWrites"),
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
}
