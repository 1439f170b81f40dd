import Foundation
import GuichetConfig
import GuichetCore
import GuichetJobs
import GuichetStore
import GuichetWeb
import Hummingbird
import HummingbirdTesting
import NIOCore

/// The approvers' page with 10,000 items waiting: the queue page and an item page rendered
/// through the router in process (no network), so the time is the server's own.
func webQueue() async throws {
    let (c, layout, store) = try sandbox { $0.web.bcryptCost = 4 }
    let pipelines = ["translate", "proofread", "swot", "reformulate"]
    let t0 = Date()
    var sample: Job?
    for i in 0..<10_000 {
        let id = JobID.generate()
        let dir = layout.jobDir(id)
        var job = Job(id: id, pipeline: pipelines[i % pipelines.count], sourceName: "document-\(i).md", sourceRelativePath: "document-\(i).md",
                      originalPath: layout.relativeToState(dir.appendingPathComponent("original.md")), format: "md",
                      state: i % 10 == 0 ? .approved : .awaitingReview, createdAt: Date().addingTimeInterval(Double(i - 10_000)))
        if i == 5_000 {
            let paragraphs = (0..<40).map { "Paragraphe \($0) : le conseil municipal délibère sur le budget primitif de l'exercice." }
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("result"), withIntermediateDirectories: true)
            try Data(paragraphs.joined(separator: "\n\n").utf8).write(to: dir.appendingPathComponent("original.md"))
            let result = dir.appendingPathComponent("result/document-5000.en.md")
            try Data(paragraphs.map { $0.uppercased() }.joined(separator: "\n\n").utf8).write(to: result)
            job.resultPath = layout.relativeToState(result)
            job.state = .awaitingReview
            try await store.insert(job, audit: AuditEntry(jobID: id, actor: AuditEntry.machineActor, action: .received))
            let chunks = stride(from: 0, to: 40, by: 10).enumerated().map { n, start in
                ChunkRecord(jobID: id, index: n, source: paragraphs[start..<start + 10].joined(separator: "\n\n"))
            }
            _ = try await store.planChunks(chunks, for: id, stage: "map")
            for (n, start) in stride(from: 0, to: 40, by: 10).enumerated() {
                let segments = Dictionary(uniqueKeysWithValues: (0..<10).map { ("\(start + $0)", paragraphs[start + $0].uppercased()) })
                let answer = String(decoding: try JSONSerialization.data(withJSONObject: ["flags": [String](), "segments": segments]), as: UTF8.self)
                try await store.recordChunkResult(ChunkResult(text: answer, model: "bench", promptTokens: 100, completionTokens: 100, attempts: 1, durationMs: 900),
                                                  job: id, stage: "map", index: n)
            }
            sample = job
        } else {
            try await store.insert(job, audit: AuditEntry(jobID: id, actor: AuditEntry.machineActor, action: .received))
        }
    }
    let filled = Date().timeIntervalSince(t0)
    let accounts = AccountDesk(store: store, bcryptCost: 4, logger: logger)
    try await accounts.add(name: "admin", role: .admin, pipelines: [], password: "bench password 123", knownPipelines: c.pipelines.map(\.name))
    let session = WebSession(token: String(repeating: "ab", count: 32), accountName: "admin", csrfToken: "x", createdAt: Date(), expiresAt: Date().addingTimeInterval(3600))
    try await store.insertSession(session)
    let server = try WebServer(configuration: c, layout: layout, jobs: store, accounts: store,
                               desk: ReviewDesk(configuration: c, layout: layout, store: store, logger: logger), logger: logger)
    let app = Application(router: server.makeRouter(), logger: logger)
    var h = HTTPFields()
    h[.cookie] = "guichet_session=\(session.token)"
    let headers = h
    let item = "/items/\(sample!.id)"
    let timings = try await app.test(.router) { client in
        var timings: [String: [Double]] = [:]
        for (name, uri) in [("queue (first page)", "/queue"), ("queue (page 40, one pipeline)", "/queue?pipeline=translate&state=awaiting_review&page=40"), ("item (40 passages)", item)] {
            for round in 0..<60 {
                let t = Date()
                try await client.execute(uri: uri, method: .get, headers: headers) { r in
                    precondition(r.status == .ok, "\(uri) answered \(r.status)")
                }
                if round >= 10 { timings[name, default: []].append(Date().timeIntervalSince(t) * 1000) }
            }
        }
        return timings
    }
    print("web: 10,000 jobs (9,000 awaiting review) stored in \(f(filled, 1)) s")
    for name in ["queue (first page)", "queue (page 40, one pipeline)", "item (40 passages)"] {
        let xs = timings[name] ?? []
        print("  \(name): median \(f(percentile(xs, 0.5), 1)) ms, p90 \(f(percentile(xs, 0.9), 1)) ms (target median < 50 ms)")
    }
    for (label, filter) in [("queue query", JobFilter(states: [.awaitingReview], pipelines: Set(pipelines), limit: 50, offset: 1_950)),
                            ("one pipeline", JobFilter(states: [.awaitingReview], pipelines: ["translate"], limit: 50))] {
        print("  plan of the \(label): \(try await store.queryPlan(for: filter).joined(separator: "; "))")
    }
}
