import LiveSolveCoordination
import LiveSolveModel
import NIOCore
import Prometheus

/// The server's Prometheus metrics, served at `/metrics`.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let connections: Gauge
    let subscribers: Gauge
    let models: Gauge
    let updatesAccepted: Counter
    let solvesStarted: Counter
    let solves: Counter
    let incumbents: Counter
    let solvesPreempted: Counter
    let rangingAnswers: Counter
    let remoteWorkers: Gauge
    let remoteRepliesDropped: Counter
    let modelsEvicted: Counter
    let racesStarted: Counter
    let racerLoads: Counter
    let updatesMerged: Counter
    let workerRestarts: Counter
    let deliveries: Counter
    let solveSeconds: ValueHistogram
    let publishSeconds: ValueHistogram
    let inputAgeSeconds: ValueHistogram
    let storeCommitSeconds: ValueHistogram
    let storeRecords: Counter
    let storeBytes: Counter
    let storeSnapshots: Counter
    let storeFailures: Counter
    private let rejectedByCode: [ErrorCode: Counter]

    init() {
        connections = registry.makeGauge(descriptor: Self.d("connections", "Open WebSocket connections."))
        subscribers = registry.makeGauge(descriptor: Self.d("subscribers", "Subscriptions across all connections."))
        models = registry.makeGauge(descriptor: Self.d("models", "Models held."))
        updatesAccepted = registry.makeCounter(descriptor: Self.d("updates_accepted_total", "Updates accepted."))
        solvesStarted = registry.makeCounter(descriptor: Self.d("solves_started_total", "Solves dispatched to workers."))
        solves = registry.makeCounter(descriptor: Self.d("solves_total", "Solves answered by workers."))
        incumbents = registry.makeCounter(descriptor: Self.d("incumbents_total", "Improving incumbents of integer models sent while their solves ran."))
        remoteWorkers = registry.makeGauge(descriptor: Self.d("remote_workers", "Remote workers up, through broker.url."))
        remoteRepliesDropped = registry.makeCounter(descriptor: Self.d("remote_replies_dropped_total", "Replies from remote workers already declared gone, dropped."))
        modelsEvicted = registry.makeCounter(descriptor: Self.d("models_evicted_total", "Models a remote worker was told to drop to stay within the models it offered (--models)."))
        racesStarted = registry.makeCounter(descriptor: Self.d("races_total", "Solves raced on more than one worker."))
        racerLoads = registry.makeCounter(descriptor: Self.d("racer_loads_total", "Models loaded whole onto a racing worker that held no warm copy."))
        solvesPreempted = registry.makeCounter(descriptor: Self.d("solves_preempted_total", "Integer models' solves asked to stop for a newer update."))
        rangingAnswers = registry.makeCounter(descriptor: Self.d("ranging_answers_total", "Updates answered inside the stability bands, without a solve."))
        updatesMerged = registry.makeCounter(descriptor: Self.d("updates_merged_total", "Updates folded into another update's solve by conflation."))
        workerRestarts = registry.makeCounter(descriptor: Self.d("worker_restarts_total", "Worker processes that exited and were replaced."))
        deliveries = registry.makeCounter(descriptor: Self.d("deliveries_total", "Solution messages written to subscribers."))
        let buckets = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
        solveSeconds = registry.makeValueHistogram(descriptor: Self.d("solve_seconds", "Solver time per solve."), buckets: buckets)
        inputAgeSeconds = registry.makeValueHistogram(descriptor: Self.d("input_age_seconds", "Each solution's stats.inputAgeMicros as it was first published: from the acceptance of the newest update it includes."), buckets: buckets)
        publishSeconds = registry.makeValueHistogram(descriptor: Self.d("update_to_publish_seconds", "From an update's acceptance to the publication of the first solution that includes it."), buckets: buckets)
        storeCommitSeconds = registry.makeValueHistogram(descriptor: Self.d("store_commit_seconds", "From a group of records handed to the store's thread to its commit."), buckets: buckets)
        storeRecords = registry.makeCounter(descriptor: Self.d("store_records_total", "Records committed to the store."))
        storeBytes = registry.makeCounter(descriptor: Self.d("store_bytes_total", "Bytes of documents and messages committed to the store."))
        storeSnapshots = registry.makeCounter(descriptor: Self.d("store_snapshots_total", "Model snapshots committed to the store."))
        storeFailures = registry.makeCounter(descriptor: Self.d("store_failures_total", "Groups of records the store could not commit."))
        var rejected: [ErrorCode: Counter] = [:]
        for code in ErrorCode.allCases {
            rejected[code] = registry.makeCounter(descriptor: Self.d("requests_rejected_total", "Requests rejected, by error code."), labels: [("code", code.rawValue)])
        }
        rejectedByCode = rejected
    }

    private static func d(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "livesolve", metricName: name, unitName: "", helpText: help)
    }

    func rejected(_ code: ErrorCode) { rejectedByCode[code]?.increment() }

    func solved(micros: Int, since accepted: NIODeadline, merged: Int) {
        solves.increment()
        solveSeconds.record(Double(micros) / 1e6)
        publishSeconds.record(Double((NIODeadline.now() - accepted).nanoseconds) / 1e9)
        if merged > 1 { updatesMerged.increment(by: Int64(merged - 1)) }
    }

    /// A version was installed and its fan-out begun.
    func published(freshness: ModelState.Freshness) {
        let now = NIODeadline.now().uptimeNanoseconds
        inputAgeSeconds.record(Double(now &- min(now, freshness.newestUpdate.nanoseconds)) / 1e9)
    }

    /// Each model's log in the store, in the exposition format: gauges read from the file at
    /// each scrape, so a deleted model's go with it. Nil when the store could not be read.
    static func logSizes(_ sizes: [(model: UInt32, records: Int, bytes: Int)]?) -> [UInt8] {
        guard let sizes else { return [] }
        var text = "# HELP livesolve_store_log_records Update records kept in a model's log.\n# TYPE livesolve_store_log_records gauge\n"
        for size in sizes { text += "livesolve_store_log_records{model=\"m\(size.model)\"} \(size.records)\n" }
        text += "# HELP livesolve_store_log_bytes Bytes of a model's kept log records and snapshots.\n# TYPE livesolve_store_log_bytes gauge\n"
        for size in sizes { text += "livesolve_store_log_bytes{model=\"m\(size.model)\"} \(size.bytes)\n" }
        return Array(text.utf8)
    }

    /// Races won per model and strategy, in the exposition format: counted on each model's
    /// record, so a deleted model's go with it.
    static func raceWins(_ wins: [(model: String, strategy: String, count: Int)]) -> [UInt8] {
        var text = "# HELP livesolve_race_wins_total Races won, by model and strategy.\n# TYPE livesolve_race_wins_total counter\n"
        for win in wins { text += "livesolve_race_wins_total{model=\"\(win.model)\",strategy=\"\(win.strategy)\"} \(win.count)\n" }
        return Array(text.utf8)
    }

    /// The Prometheus text exposition.
    func render() -> [UInt8] {
        var bytes: [UInt8] = []
        registry.emit(into: &bytes)
        return bytes
    }
}
