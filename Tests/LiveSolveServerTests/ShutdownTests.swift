import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LiveSolveClient
import LiveSolveModel
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

@Test func sigtermClosesWebSocketsWith1001StopsWorkersAndExitsZero() async throws {
    let (process, output, serverPort) = try startServeProcess()
    let client = try await QueuedStreamClient.connect(port: serverPort)
    #expect(await client.request(#"{"op":"ping"}"#)?["type"] == .string("pong"))
    let workers = childProcesses(of: process.processIdentifier)
    #expect(workers.count == 2)

    kill(process.processIdentifier, SIGTERM)
    #expect(await client.next(within: 10) == nil)
    #expect(client.closeCode == 1001)
    for _ in 0..<100 where process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
    #expect(!process.isRunning)
    #expect(process.terminationStatus == 0)
    for pid in workers { #expect(kill(pid, 0) != 0, "worker \(pid) outlived the server") }
    withExtendedLifetime(output) {}
}

@Test func sigtermAnswersARequestWaitingForASolutionAtOnce() async throws {
    let (process, output, port) = try startServeProcess()
    // dfl001's cold solve takes seconds, so its solution request is still waiting at the signal.
    let (created, body) = try await httpResponse(port: port, "POST", "/v1/models?name=dfl001", body: try TestData.benchmarkText("data/netlib/dfl001.mps.gz"), contentType: "text/x-mps")
    #expect(created.statusCode == 201, "\(body)")
    let id = try #require((try? JSONParser.parse(body))?["model"]?.string)
    // The half second before the signal counts from the request's start, not the task's creation:
    // with the cooperative threads busy with other tests, a task can start later than that.
    let (started, starting) = AsyncStream.makeStream(of: Void.self)
    let waiting = Task {
        starting.yield()
        return try await httpResponse(port: port, "GET", "/v1/models/\(id)/solution")
    }
    for await _ in started { break }
    try await Task.sleep(for: .milliseconds(500))

    let signalled = ContinuousClock.now
    kill(process.processIdentifier, SIGTERM)
    let (response, answer) = try await waiting.value
    #expect(response.statusCode == 503)
    let error = try? JSONParser.parse(answer)
    #expect(error?["code"] == .string("overloaded"))
    #expect(error?["model"] == .string(id))
    #expect(answer.contains("shutting down"))
    #expect(ContinuousClock.now - signalled < .seconds(15), "the wait ran towards its 30 s limit instead of ending with the shutdown")
    for _ in 0..<50 where process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
    #expect(!process.isRunning, "still running 5 s after SIGTERM")
    #expect(process.terminationStatus == 0)
    let log = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
    #expect(!log.contains("did not finish"), "\(log)")
}

/// A setting that names a missing path stops `serve` at once, naming it, instead of serving
/// without a dashboard or without workers.
@Test(arguments: [
    (["--public-folder", "/nonexistent"], "livesolve: public folder not found: /nonexistent (set public.folder"),
    (["--workers-executable", "/nonexistent"], "livesolve: worker executable not found or not executable: /nonexistent (set workers.executable"),
])
func serveRefusesToStartOnAMissingPath(arguments: [String], message: String) async throws {
    let (status, output) = try await runLivesolve(["serve", "--http-port", "0", "--storage-path", temporaryStorePath()] + arguments, seconds: 10)
    #expect(status == 1)
    #expect(output.hasPrefix(message), "\(output)")
}


/// The direct children of `pid`, from /proc.
private func childProcesses(of pid: Int32) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap(Int32.init).filter { child in
        guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8) else { return false }
        let fields = stat[stat.range(of: ")")!.upperBound...].split(separator: " ")
        return fields.count > 2 && Int32(fields[1]) == pid
    }
}
