import Foundation
import LiveSolveClient
import LiveSolveModel
import LiveSolveServer
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Stores on a disk that fills up and on one mounted read-only: real file systems (a small
/// tmpfs, mounted for the test), a real SQLite file, real servers.
@Suite(.serialized) struct StorageFaultTests {
    @Test func aFullDiskRefusesChangesUndoesThemAndRecovers() async throws {
        let disk = try ScratchMount(kilobytes: 512)
        defer { disk.unmount() }
        let path = disk.path + "/livesolve.sqlite"
        var server = try await TestServer.start(workers: 1) { $0.storagePath = path }
        let client = try await server.connect()
        let model = try await client.createRefinery()
        #expect(await client.request(price(2.2, model))?["seq"] == .number(1))
        let before = try await server.json("GET", "/v1/models/\(model)/solution?seq=1").1
        #expect(before["seq"] == .number(1))

        try disk.fill()
        // The WAL may have room for a commit or two; then one cannot be written.
        var acked = 1, refused: JSON?
        for attempt in 0..<100 where refused == nil {
            let reply = try #require(await client.request(price(3 + Double(attempt) / 100, model)))
            if reply["type"] == .string("ack") { acked = Int(reply["seq"]?.number ?? 0) } else { refused = reply }
        }
        let error = try #require(refused)
        #expect(error["code"] == .string("storage_error"), "\(error)")
        #expect(error["model"] == .string(model))
        #expect(error["message"]?.string?.contains(path) == true, "\(error)")

        // Nothing of the refused update is left, and reads are served.
        let (status, entry) = try await server.json("GET", "/v1/models/\(model)?include=document")
        #expect(status == 200)
        #expect(entry["seq"] == .number(Double(acked)))
        let kept = acked == 1 ? 2.2 : 3 + Double(acked - 2) / 100
        #expect(entry["document"]?["parameters"]?["price[gasoline]"] == .number(kept))
        if acked == 1 {
            let after = try await settledSolution(of: model, seq: 1, on: server)
            #expect(after["objective"] == before["objective"])
        }
        let watcher = try await server.connect()
        #expect(await watcher.request(#"{"op":"subscribe","model":"\#(model)"}"#)?["type"] == .string("subscribed"))
        #expect(await watcher.next(within: 30)?["seq"] == .number(Double(acked)))
        watcher.close()

        // REST says 503; a create and a delete change nothing either.
        let (updateStatus, updateError) = try await server.json("POST", "/v1/models/\(model)/updates", body: #"{"parameters":{"price[gasoline]":9}}"#)
        #expect(updateStatus == 503)
        #expect(updateError["code"] == .string("storage_error"))
        let (createStatus, createError) = try await server.json("POST", "/v1/models", body: refineryDocument)
        #expect(createStatus == 503)
        #expect(createError["code"] == .string("storage_error"))
        #expect(try await server.json("DELETE", "/v1/models/\(model)").0 == 503)
        guard case .array(let models)? = try await server.json("GET", "/v1/models").1["models"] else { Issue.record("no model list"); return }
        #expect(models.count == 1)
        #expect(try await server.json("GET", "/v1/models/\(model)").1["seq"] == .number(Double(acked)))

        // Room again: the next update takes the next seq, and it is stored.
        disk.empty()
        #expect(await client.request(price(4.4, model))?["seq"] == .number(Double(acked + 1)))
        client.close()
        await server.stop()
        server = try await TestServer.start(workers: 1) { $0.storagePath = path }
        let (_, restored) = try await server.json("GET", "/v1/models/\(model)?include=document")
        #expect(restored["seq"] == .number(Double(acked + 1)))
        #expect(restored["document"]?["parameters"]?["price[gasoline]"] == .number(4.4))
        await server.stop()
    }

    /// With `async` an ack does not wait for the commit, so a full disk cannot refuse what it
    /// already acknowledged: the models it lost are written whole once there is room again.
    @Test func aFullDiskUnderAsyncWritesTheLostModelsWholeOnceThereIsRoom() async throws {
        let disk = try ScratchMount(kilobytes: 512)
        defer { disk.unmount() }
        let path = disk.path + "/livesolve.sqlite"
        var (process, _, port) = try startServeProcess(storagePath: path, arguments: ["--storage-durability", "async"])
        let client = try await QueuedStreamClient.connect(port: port)
        let model = try #require(await client.request(#"{"op":"create","model":\#(refineryDocument)}"#)?["model"]?.string)
        #expect(await client.request(price(2.2, model))?["seq"] == .number(1))
        try disk.fill()
        for (i, value) in [2.3, 2.4, 2.5].enumerated() {
            #expect(await client.request(price(value, model))?["seq"] == .number(Double(i + 2)))
        }
        // Wait (bounded) until a commit has failed, then make room and wait for the snapshot.
        func metric(_ name: String) async throws -> Double { try await LiveSolveServerTests.metric(name, port: port) ?? 0 }
        for _ in 0..<400 where try await metric("livesolve_store_failures_total") == 0 { try await Task.sleep(for: .milliseconds(50)) }
        #expect(try await metric("livesolve_store_failures_total") > 0)
        disk.empty()
        for _ in 0..<600 where try await metric("livesolve_store_snapshots_total") == 0 { try await Task.sleep(for: .milliseconds(50)) }
        #expect(try await metric("livesolve_store_snapshots_total") == 1)
        client.close()
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()

        (process, _, port) = try startServeProcess(storagePath: path, arguments: ["--storage-durability", "async"])
        defer { process.terminate() }
        let (_, restored) = try await httpResponseJSON(port: port, "/v1/models/\(model)?include=document")
        #expect(restored["seq"] == .number(4))
        #expect(restored["document"]?["parameters"]?["price[gasoline]"] == .number(2.5))
    }

    @Test func aStoreOnAReadOnlyMountServesReadsAndRefusesEveryChange() async throws {
        let disk = try ScratchMount(kilobytes: 2048)
        defer { disk.unmount() }
        let path = disk.path + "/livesolve.sqlite"
        var (process, _, port) = try startServeProcess(storagePath: path)
        var client = try await QueuedStreamClient.connect(port: port)
        let model = try #require(await client.request(#"{"op":"create","model":\#(refineryDocument)}"#)?["model"]?.string)
        #expect(await client.request(price(2.4, model))?["seq"] == .number(1))
        client.close()
        process.terminate()
        process.waitUntilExit()
        try disk.remountReadOnly()

        (process, _, port) = try startServeProcess(storagePath: path)
        defer { process.terminate() }
        let (status, entry) = try await httpResponseJSON(port: port, "/v1/models/\(model)?include=document")
        #expect(status == 200)
        #expect(entry["seq"] == .number(1))
        #expect(entry["document"]?["parameters"]?["price[gasoline]"] == .number(2.4))
        #expect(try await httpResponseJSON(port: port, "/v1/models/\(model)/solution?wait=true").1["seq"] == .number(1))

        client = try await QueuedStreamClient.connect(port: port)
        let refused = try #require(await client.request(price(2.8, model)))
        #expect(refused["code"] == .string("storage_error"), "\(refused)")
        #expect(refused["message"]?.string?.contains("read-only") == true, "\(refused)")
        let created = try #require(await client.request(#"{"op":"create","model":\#(refineryDocument)}"#))
        #expect(created["code"] == .string("storage_error"))
        client.close()
        let (response, _) = try await httpResponse(port: port, "DELETE", "/v1/models/\(model)")
        #expect(response.statusCode == 503)
        let (_, unchanged) = try await httpResponseJSON(port: port, "/v1/models/\(model)?include=document")
        #expect(unchanged["seq"] == .number(1))
        #expect(unchanged["document"]?["parameters"]?["price[gasoline]"] == .number(2.4))
    }
}

private func price(_ value: Double, _ model: String) -> String {
    #"{"op":"update","model":"\#(model)","parameters":{"price[gasoline]":\#(value)}}"#
}

/// The model's solution once one at `seq` is installed after every solve in flight ended.
private func settledSolution(of model: String, seq: Int, on server: TestServer) async throws -> JSON {
    var solution = JSON.null
    for _ in 0..<100 {
        solution = try await server.json("GET", "/v1/models/\(model)/solution").1
        let (_, entry) = try await server.json("GET", "/v1/models/\(model)")
        if solution["seq"] == .number(Double(seq)), entry["status"] != .string("solving") { break }
        try await Task.sleep(for: .milliseconds(50))
    }
    return solution
}

/// A small tmpfs of the test's own: it fills up, and it can be made read-only. Mounting needs
/// root, which `make test` has (it installs packages).
struct ScratchMount {
    let path: String

    init(kilobytes: Int) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("livesolve-mount-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try runTool("/bin/mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", path])
    }

    /// Writes a filler file until the file system is full.
    func fill() throws {
        // dd stops at ENOSPC with status 1: that is the point.
        try? runTool("/bin/dd", ["if=/dev/zero", "of=\(path)/filler", "bs=4096"])
        var stats = statvfs()
        statvfs(path, &stats)
        guard stats.f_bavail == 0 else { throw TestFailure(description: "\(path) still has \(stats.f_bavail) free blocks") }
    }

    func empty() { try? FileManager.default.removeItem(atPath: path + "/filler") }

    func remountReadOnly() throws { try runTool("/bin/mount", ["-o", "remount,ro", path]) }

    func unmount() {
        try? runTool("/bin/umount", [path])
        try? FileManager.default.removeItem(atPath: path)
    }
}
