import ArgumentParser
import CommandSupport
import Foundation
import LiveSolveClient
import LiveSolveModel
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// `livesolve bench w3`: many subscribers on one model, one feed (WORKLOAD.md W3).
struct FanoutBench: NetworkBench {
    static let configuration = CommandConfiguration(
        commandName: "w3",
        abstract: "W3: S subscribers on one model, a feed at a fixed rate; time to the last subscriber, server RSS and CPU."
    )

    @Option(help: "The stream whose steps are sent.")
    var stream = "Benchmarks/streams/afiro.jsonl.gz"

    @Option(help: "Subscribers.")
    var subscribers = 1_000

    @Option(help: "Updates per second.")
    var rate = 10

    @Option(help: "Seconds of feed.")
    var seconds = 10

    @Option(help: "Updates sent first, at the same rate, and left out of the figures.")
    var warmup = 20

    @OptionGroup var network: NetworkBenchOptions

    func validate() throws {
        guard subscribers >= 1 else { throw ValidationError("--subscribers must be at least 1") }
        guard rate >= 1 else { throw ValidationError("--rate must be at least 1") }
        guard seconds >= 1 else { throw ValidationError("--seconds must be at least 1") }
        guard warmup >= 0 else { throw ValidationError("--warmup must not be negative") }
    }

    func measure() async throws {
        let bench = try await setUp(streamPath: stream, network: network)
        defer { bench.server.stop() }
        let (stream, server, setup, id) = (bench.stream, bench.server, bench.client, bench.model)
        let tracker = FanoutTracker(subscribers: subscribers)
        let pool = try await SubscriberPool.connect(port: server.port, token: server.token, count: subscribers, model: id)
        defer { pool.close() }
        pool.start { index, message in tracker.received(message, from: index) }
        try await tracker.waitForSnapshots(timeoutSeconds: 120)
        // The warm-up: a new TCP receiver acknowledges its first 16 segments at once (quick-ACK
        // mode), and on loopback the server's core pays for those ACKs. Passes take about a third
        // longer until then; long-lived subscribers are past it.
        let steps = Array(stream.steps.prefix(warmup + rate * seconds))
        guard steps.count > warmup else { throw ValidationError("--warmup \(warmup) leaves none of the stream's \(stream.steps.count) steps to measure") }
        var sentAt: [UInt64] = []
        var rssStart: Double?, cpuStart: Double?, deliveriesStart = 0
        // Paced from the first send: the set-up of thousands of subscribers takes seconds, and
        // counting from before it would send the first updates in one burst.
        let feedStart = DispatchTime.now().uptimeNanoseconds
        for (i, step) in steps.enumerated() {
            let due = UInt64(Double(i) / Double(rate) * 1e9)
            let now = DispatchTime.now().uptimeNanoseconds - feedStart
            if due > now { try await Task.sleep(nanoseconds: due - now) }
            if i == warmup { (rssStart, cpuStart, deliveriesStart) = (server.rssMB, server.cpuSeconds, tracker.deliveries) }
            sentAt.append(DispatchTime.now().uptimeNanoseconds)
            setup.send(ClosedLoop.message(model: id, update: step.update))
        }
        try await tracker.waitForAll(seq: steps.count, timeoutSeconds: 120)
        let cpu = (server.cpuSeconds ?? .nan) - (cpuStart ?? .nan)
        let rssEnd = server.rssMB
        let latencies = tracker.completions(upTo: steps.count).enumerated().dropFirst(warmup).compactMap { i, done in
            done.map { Double($0 - sentAt[i]) / 1000 }
        }
        let deliveries = tracker.deliveries - deliveriesStart
        BenchOutput.print(name: "W3 \(subscribers) subscribers at \(rate)/s", figures: [
            ("updates", Double(steps.count - warmup)), ("warmup_updates", Double(warmup)), ("p50_ms", percentile(latencies, 50) / 1000), ("p99_ms", percentile(latencies, 99) / 1000),
            ("deliveries", Double(deliveries)), ("server_cpu_s", cpu), ("deliveries_per_cpu_s", Double(deliveries) / cpu),
            ("rss_start_mb", rssStart ?? .nan), ("rss_end_mb", rssEnd ?? .nan),
        ], json: network.json)
        setup.close()
    }
}

/// Counts, per seq, how many subscribers have a solution that includes it; notes when the last one does.
final class FanoutTracker: Sendable {
    private struct State {
        var lastSeq: [Int]
        var reached: [Int] = []
        var completedAt: [UInt64?] = []
        var snapshots = 0
        var deliveries = 0
    }
    let subscribers: Int
    private let state: NIOLockedValueBox<State>

    init(subscribers: Int) {
        self.subscribers = subscribers
        state = NIOLockedValueBox(State(lastSeq: Array(repeating: -1, count: subscribers)))
    }

    var deliveries: Int { state.withLockedValue { $0.deliveries } }

    /// Reads `"seq":N` from the bytes without decoding the message: this runs 10 000 times per update.
    func received(_ message: UnsafeRawBufferPointer, from index: Int) {
        let now = DispatchTime.now().uptimeNanoseconds
        guard let seq = Self.seq(in: message) else { return }
        state.withLockedValue { s in
            let last = s.lastSeq[index]
            if last < 0 { s.snapshots += 1 } else { s.deliveries += 1 }
            guard seq > last else { return }
            if seq >= s.reached.count {
                s.reached += Array(repeating: 0, count: seq + 1 - s.reached.count)
                s.completedAt += Array(repeating: nil, count: seq + 1 - s.completedAt.count)
            }
            for q in (last + 1)...seq {
                s.reached[q] += 1
                if s.reached[q] == subscribers { s.completedAt[q] = now }
            }
            s.lastSeq[index] = seq
        }
    }

    private static let solutionPrefix = Array(#"{"type":"solution","model":""#.utf8)
    private static let seqKey = Array(#""seq":"#.utf8)

    /// The seq of a solution message (which the server writes right after the model id), or nil.
    static func seq(in bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.starts(with: solutionPrefix) else { return nil }
        var i = solutionPrefix.count
        while i + seqKey.count < bytes.count {
            if bytes[i] == seqKey[0], bytes[i + 1] == seqKey[1], zip(seqKey.indices, seqKey).allSatisfy({ bytes[i + $0] == $1 }) {
                var j = i + seqKey.count, value = 0
                while j < bytes.count, bytes[j] >= 0x30, bytes[j] <= 0x39 { value = value * 10 + Int(bytes[j] - 0x30); j += 1 }
                return value
            }
            i += 1
        }
        return nil
    }

    func waitForSnapshots(timeoutSeconds: Double) async throws {
        try await waitUntil(timeoutSeconds) { $0.snapshots >= self.subscribers }
    }

    func waitForAll(seq: Int, timeoutSeconds: Double) async throws {
        try await waitUntil(timeoutSeconds) { $0.completedAt.count > seq && $0.completedAt[seq] != nil }
    }

    private func waitUntil(_ seconds: Double, _ condition: (State) -> Bool) async throws {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        while !state.withLockedValue({ condition($0) }) {
            guard DispatchTime.now().uptimeNanoseconds < deadline else { throw ModelFile.Failure(description: "fan-out did not complete in \(seconds) s") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    func completions(upTo seq: Int) -> [UInt64?] {
        state.withLockedValue { s in (1...seq).map { $0 < s.completedAt.count ? s.completedAt[$0] : nil } }
    }
}
