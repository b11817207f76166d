import Foundation
import LiveSolveClient
import LiveSolveModel
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

@Test func sigtermClosesWebSocketsWith1001StopsWorkersAndExitsZero() async throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: TestData.livesolveExecutable)
    process.arguments = ["serve", "--http-port", "0", "--workers-count", "2", "--public-folder", TestData.repositoryRoot.appendingPathComponent("Public").path]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    // The one line with the URL tells the port.
    var log = ""
    var port: Int?
    let deadline = Date().addingTimeInterval(20)
    while port == nil, Date() < deadline {
        let chunk = output.fileHandleForReading.availableData
        log += String(decoding: chunk, as: UTF8.self)
        if let range = log.range(of: #"listening on http://127\.0\.0\.1:(\d+)/"#, options: .regularExpression) {
            port = Int(log[range].split(separator: ":").last!.dropLast())
        }
    }
    let serverPort = try #require(port, "no URL line in: \(log)")
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
