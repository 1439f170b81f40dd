import Foundation
import GuichetConfig
import GuichetCore
import GuichetJobs
import GuichetStore
import GuichetWeb
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

/// A web server over a real SQLite file and a real state directory in a temporary folder,
/// with accounts made at a low bcrypt cost so tests stay quick.
struct WebHarness {
    let root: URL
    var configuration: GuichetConfiguration
    let layout: StateLayout
    let store: SQLiteJobStore
    let logger: Logger

    static let password = "correct horse battery"

    init(edit: (inout GuichetConfiguration) -> Void = { _ in }) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("guichet-web-\(UUID().uuidString)")
        var c = GuichetConfiguration()
        c.watchDir = root.appendingPathComponent("Watch").path
        c.outputDir = root.appendingPathComponent("Output").path
        c.stateDir = root.appendingPathComponent("state").path
        c.web.bcryptCost = 4
        edit(&c)
        configuration = c
        layout = StateLayout(c)
        try layout.createDirectories(for: c.pipelines)
        store = try SQLiteJobStore(path: layout.databasePath)
        var log = Logger(label: "web-test")
        log.logLevel = .warning
        logger = log
    }

    var desk: ReviewDesk { ReviewDesk(configuration: configuration, layout: layout, store: store, logger: logger) }
    var accounts: AccountDesk { AccountDesk(store: store, bcryptCost: 4, logger: logger) }

    func server() throws -> WebServer {
        try WebServer(configuration: configuration, layout: layout, jobs: store, accounts: store, desk: desk, logger: logger)
    }

    func application() throws -> some ApplicationProtocol {
        Application(router: try server().makeRouter(), logger: logger)
    }

    func addAccount(_ name: String, role: Account.Role = .approver, pipelines: [String] = ["translate"]) async throws {
        try await accounts.add(name: name, role: role, pipelines: pipelines, password: Self.password,
                               knownPipelines: configuration.pipelines.map(\.name))
    }

    /// A job waiting for review, as the worker leaves it: original kept, result written,
    /// chunks answered.
    @discardableResult
    func awaitingJob(pipeline: String = "translate", name: String = "note.md", source: String = "Bonjour le monde.",
                     result: String = "Hello world.", resultExtension: String = "md") async throws -> Job {
        let id = JobID.generate()
        let dir = layout.jobDir(id)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("result"), withIntermediateDirectories: true)
        try Data(source.utf8).write(to: dir.appendingPathComponent("original.md"))
        let resultName = (name as NSString).deletingPathExtension.replacingOccurrences(of: "/", with: "_") + ".en." + resultExtension
        try Data(result.utf8).write(to: dir.appendingPathComponent("result").appendingPathComponent(resultName))
        var job = Job(id: id, pipeline: pipeline, sourceName: name, sourceRelativePath: name,
                      originalPath: layout.relativeToState(dir.appendingPathComponent("original.md")), format: "md", state: .awaitingReview)
        job.resultPath = layout.relativeToState(dir.appendingPathComponent("result").appendingPathComponent(resultName))
        job.model = "test-model"
        job.promptTokens = 12
        job.completionTokens = 7
        try await store.insert(job, audit: AuditEntry(jobID: id, actor: AuditEntry.machineActor, action: .received))
        _ = try await store.planChunks([ChunkRecord(jobID: id, index: 0, source: source)], for: id, stage: "map")
        // Stored as the map stage stores an answer: the new text of each segment, by ID.
        let answer = String(decoding: try JSONSerialization.data(withJSONObject: ["flags": [String](), "segments": ["0": result]]), as: UTF8.self)
        try await store.recordChunkResult(ChunkResult(text: answer, model: "test-model", promptTokens: 12, completionTokens: 7, attempts: 1, durationMs: 1500),
                                          job: id, stage: "map", index: 0)
        return job
    }

    func cleanUp() { try? FileManager.default.removeItem(at: root) }
}

/// A browser's state across requests: its cookies, and the last CSRF token seen in a page.
final class Browser: @unchecked Sendable {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    var csrf: String?

    init(_ client: any TestClientProtocol) { self.client = client }

    var cookieHeader: HTTPFields {
        var h = HTTPFields()
        if !cookies.isEmpty { h[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        return h
    }

    struct Page {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: String
        var location: String? { headers[.location] }
    }

    @discardableResult
    func get(_ uri: String) async throws -> Page {
        try await client.execute(uri: uri, method: .get, headers: cookieHeader, body: nil) { self.absorb($0) }
    }

    @discardableResult
    func post(_ uri: String, _ fields: [String: String], csrf: Bool = true) async throws -> Page {
        var f = fields
        if csrf, f["csrf"] == nil, let token = self.csrf { f["csrf"] = token }
        var h = cookieHeader
        h[.contentType] = "application/x-www-form-urlencoded"
        let body = f.map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: "&")
        return try await client.execute(uri: uri, method: .post, headers: h, body: ByteBuffer(string: body)) { self.absorb($0) }
    }

    @discardableResult
    func upload(_ uri: String, file: Data, fileName: String, fields: [String: String] = [:]) async throws -> Page {
        let boundary = "guichet-test-\(UUID().uuidString)"
        var body = Data()
        var f = fields
        if f["csrf"] == nil, let token = csrf { f["csrf"] = token }
        for (k, v) in f {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n".utf8)
        }
        body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(fileName)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        body += file
        body += Data("\r\n--\(boundary)--\r\n".utf8)
        var h = cookieHeader
        h[.contentType] = "multipart/form-data; boundary=\(boundary)"
        return try await client.execute(uri: uri, method: .post, headers: h, body: ByteBuffer(bytes: body)) { self.absorb($0) }
    }

    /// Signs in through the real form: GET the page (login cookie and token), POST it.
    @discardableResult
    func signIn(_ name: String, password: String = WebHarness.password) async throws -> Page {
        try await get("/login")
        let page = try await post("/login", ["name": name, "password": password])
        if page.status == .seeOther, let next = page.location { try await get(next) }
        return page
    }

    func absorb(_ r: TestResponse) -> Page {
        for value in r.headers[values: .setCookie] {
            let pair = value.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            guard pair.count >= 1 else { continue }
            let v = pair.count == 2 ? String(pair[1]) : ""
            if v.isEmpty || value.contains("Max-Age=0") { cookies[String(pair[0])] = nil } else { cookies[String(pair[0])] = v }
        }
        let body = String(buffer: r.body)
        if let token = Self.hiddenCSRF(body) { csrf = token }
        return Page(status: r.status, headers: r.headers, body: body)
    }

    static func hiddenCSRF(_ html: String) -> String? {
        guard let r = html.range(of: "name=\"csrf\" value=\"") else { return nil }
        let rest = html[r.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    static func encode(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s
    }
}
