import Foundation
import GuichetConfig
import GuichetCore
import GuichetJobs
import GuichetLLM
import GuichetStore
import GuichetWeb
import Metrics
import Prometheus

/// `/healthz` and `/metrics`: the store, the watcher, the worker and the model, and the
/// Prometheus figures (job counts by state are read from the store at each scrape, so they
/// are right even after a restart).
public struct DaemonProbes: WebProbes {
    let configuration: GuichetConfiguration
    let store: SQLiteJobStore
    let board: HealthBoard
    let supervisor: ModelSupervisor?
    let diskPressure: @Sendable () -> Bool
    let registry: PrometheusCollectorRegistry

    public func health() async -> (healthy: Bool, json: String) {
        let storeOK = (try? await store.countsByState()) != nil
        let model = await modelReachable()
        let checks: [(String, Bool)] = [("store", storeOK), ("watcher", board.watcher), ("worker", board.worker), ("model", model)]
        let healthy = checks.allSatisfy(\.1)
        let body = checks.map { "\"\($0.0)\":\"\($0.1 ? "ok" : "failing")\"" }.joined(separator: ",")
        return (healthy, "{\"status\":\"\(healthy ? "ok" : "failing")\",\(body),\"intake_paused_low_disk\":\(diskPressure())}\n")
    }

    func modelReachable() async -> Bool {
        if let supervisor { return supervisor.isReady }
        // A remote server: any HTTP answer on its model list means it is up (it may want a key).
        guard let status = await HTTPProbe().get(url: configuration.llm.url.trimmingSuffix("/") + "/models") else { return false }
        return status < 500
    }

    public func metrics() async -> String {
        if let counts = try? await store.countsByState() {
            for state in JobState.allCases {
                registry.makeGauge(name: "guichet_jobs", labels: [("state", state.rawValue)]).set(Double(counts[state] ?? 0))
            }
            registry.makeGauge(name: "guichet_queue_depth").set(Double((counts[.queued] ?? 0) + (counts[.processing] ?? 0)))
            registry.makeGauge(name: "guichet_review_queue_depth").set(Double(counts[.awaitingReview] ?? 0))
        }
        if let waiting = try? await store.countJobs(matching: .awaitingPublication) {
            // Approved but not yet in Output/ (full or unreachable): worth an alert when it stays above 0.
            registry.makeGauge(name: "guichet_publications_pending").set(Double(waiting))
        }
        registry.makeGauge(name: "guichet_intake_paused").set(Double(diskPressure() ? 1 : 0))
        return registry.emitToString()
    }
}

/// The process-wide metrics backend: swift-metrics calls in every module land in one
/// Prometheus registry. Bootstrapped once, by the first daemon run of the process.
enum MetricsBackend {
    static let registry = PrometheusCollectorRegistry()
    nonisolated(unsafe) private static var bootstrapped = false
    private static let lock = NSLock()

    static func bootstrap() {
        lock.withLock {
            guard !bootstrapped else { return }
            bootstrapped = true
            var factory = PrometheusMetricsFactory(registry: registry)
            // Model calls take from a tenth of a second to minutes on a small CPU.
            factory.durationHistogramBuckets["guichet_model_request_duration_seconds"] =
                [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600].map { .milliseconds(Int64($0 * 1000)) }
            factory.durationHistogramBuckets["guichet_job_duration_seconds"] =
                [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600].map { .seconds($0) }
            MetricsSystem.bootstrap(factory)
        }
    }
}

extension String {
    func trimmingSuffix(_ s: String) -> String { hasSuffix(s) ? String(dropLast(s.count)) : self }
}
