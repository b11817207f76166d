import ArgumentParser
import CommandSupport
import Foundation
import LiveSolveClient
import LiveSolveModel
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// `livesolve bench w2`: updates at a fixed rate whatever the answers (WORKLOAD.md W2).
struct OpenLoopBench: NetworkBench {
    static let configuration = CommandConfiguration(
        commandName: "w2",
        abstract: "W2: an open-loop feed at a fixed rate; latency from each solution's newest update, drift, memory."
    )

    @Option(help: "The stream whose steps are sent, cyclically.")
    var stream = "Benchmarks/streams/adlittle.jsonl.gz"

    @Option(help: "Updates per second.")
    var rate = 10_000

    @Option(help: "Seconds of feed.")
    var seconds = 10

    @OptionGroup var network: NetworkBenchOptions

    func validate() throws {
        guard rate >= 1 else { throw ValidationError("--rate must be at least 1") }
        guard seconds >= 1 else { throw ValidationError("--seconds must be at least 1") }
    }

    func measure() async throws {
        let bench = try await setUp(streamPath: stream, network: network)
        defer { bench.server.stop() }
        let (stream, server, setup, id) = (bench.stream, bench.server, bench.client, bench.model)
        // Whole passes over the stream, so the final state is the stream's final state.
        let total = max(stream.steps.count, (rate * seconds) / stream.steps.count * stream.steps.count)
        let messages = stream.steps.map { ClosedLoop.message(model: id, update: $0.update) }
        try await Task.sleep(for: .milliseconds(200))
        let rssBefore = server.rssMB
        let feed = try await OpenLoopFeed.run(port: server.port, token: server.token, model: id, messages: messages, total: total, rate: rate)
        let rssAfter = server.rssMB
        setup.close()
        let expect = stream.steps.last!.expect
        let wrong = feed.finalObjective.map { PriceStream.matches($0, expect) ? 0 : 1 } ?? 1
        var stored: [(String, Double)] = []
        if network.storageDurability != "off", let storeMB = server.storeMB {
            // What a crash right after the feed leaves: the model at its final seq and optimum.
            try server.restartAfterKill()
            let client = try await server.connect()
            defer { client.close() }
            let reply = await client.request(#"{"op":"get","id":"restored","model":"\#(id)"}"#, within: 60)
            let restoredSeq: Double = if case .number(let seq)? = reply?["seq"] { seq } else { -1 }
            let objective: Double? = if case .number(let objective)? = reply?["objective"] { objective } else { nil }
            stored = [("store_mb", storeMB), ("restored_seq", restoredSeq)]
            if network.storageDurability == "sync" {
                let right = restoredSeq == Double(feed.finalSeq) && objective.map { PriceStream.matches($0, expect) } == true
                stored.append(("restored_wrong", right ? 0 : 1))
            } else {
                // `async` may lose what a crash catches inside `storage.flushMillis`: reported, not failed.
                stored.append(("restored_lost", Double(feed.finalSeq) - restoredSeq))
            }
        }
        let duration = Double(total) / Double(rate)
        let first = feed.samples.filter { $0.at < 1 }.map(\.latency)
        let last = feed.samples.filter { $0.at >= duration - 1 }.map(\.latency)
        let all = feed.samples.map(\.latency)
        BenchOutput.print(name: "W2 \(stream.name) at \(rate)/s", figures: [
            ("updates", Double(total)), ("solutions", Double(all.count)),
            ("p50_us", percentile(all, 50)), ("p99_us", percentile(all, 99)),
            ("first_second_p99_us", percentile(first, 99)), ("last_second_p99_us", percentile(last, 99)),
            ("final_seq", Double(feed.finalSeq)), ("final_wrong", Double(wrong)),
            ("rss_before_mb", rssBefore ?? .nan), ("rss_after_mb", rssAfter ?? .nan),
        ] + stored, json: network.json)
        if wrong > 0 || stored.contains(where: { $0.0 == "restored_wrong" && $0.1 > 0 }) { throw ExitCode(4) }
    }
}

/// Sends `total` updates at `rate` per second from the connection's event loop (a 1 ms tick sends
/// what is due), and times each solution from the send of the newest update it includes.
final class OpenLoopFeed: Sendable {
    struct Sample { var at: Double; var latency: Double }
    struct Result { var samples: [Sample]; var finalSeq: Int; var finalObjective: Double? }

    private struct State {
        var sentAt: [UInt64] = []
        var samples: [Sample] = []
        var finalSeq = 0
        var finalObjective: Double?
        var done: EventLoopPromise<Void>?
        var total = 0
    }
    private let state = NIOLockedValueBox(State())
    private let start = DispatchTime.now().uptimeNanoseconds

    static func run(port: Int, token: String?, model: String, messages: [String], total: Int, rate: Int) async throws -> Result {
        let feed = OpenLoopFeed()
        let client = try await StreamClient.connect(port: port, headers: StreamClient.authorization(token),
                                                    onMessage: { feed.received($0) })
        defer { client.close() }
        let loop = client.channel.eventLoop
        client.send(#"{"op":"subscribe","model":"\#(model)"}"#)
        let done = loop.makePromise(of: Void.self)
        feed.state.withLockedValue {
            $0.total = total
            $0.done = done
            $0.sentAt.reserveCapacity(total + 1)
            $0.sentAt.append(0)
        }
        let began = DispatchTime.now().uptimeNanoseconds
        let ticker = loop.scheduleRepeatedTask(initialDelay: .zero, delay: .milliseconds(1)) { task in
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9
            let due = min(total, Int(elapsed * Double(rate)))
            let sent = feed.state.withLockedValue { $0.sentAt.count - 1 }
            guard sent < due else { if sent >= total { task.cancel() }; return }
            for n in sent..<due {
                feed.state.withLockedValue { $0.sentAt.append(DispatchTime.now().uptimeNanoseconds) }
                client.send(messages[n % messages.count])
            }
        }
        // Bounded: the feed's own time plus a minute to drain.
        let timeout = loop.scheduleTask(in: .seconds(Int64(total / max(rate, 1)) + 60)) { done.fail(ModelFile.Failure(description: "the final solution never came")) }
        defer { ticker.cancel(); timeout.cancel() }
        try await done.futureResult.get()
        return feed.state.withLockedValue { Result(samples: $0.samples, finalSeq: $0.finalSeq, finalObjective: $0.finalObjective) }
    }

    private func received(_ text: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        guard text.hasPrefix(#"{"type":"solution""#), let reply = try? JSONParser.parse(text),
              case .number(let s)? = reply["seq"] else { return }
        let seq = Int(s)
        let objective: Double? = if case .number(let o)? = reply["objective"] { o } else { nil }
        let finished: EventLoopPromise<Void>? = state.withLockedValue { st in
            guard seq > 0, seq < st.sentAt.count else { return nil }
            st.samples.append(Sample(at: Double(st.sentAt[seq] - start) / 1e9, latency: Double(now - st.sentAt[seq]) / 1000))
            st.finalSeq = seq
            st.finalObjective = objective
            guard seq == st.total else { return nil }
            defer { st.done = nil }
            return st.done
        }
        finished?.succeed()
    }
}
