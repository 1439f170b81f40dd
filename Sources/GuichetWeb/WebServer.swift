import Foundation
import GuichetConfig
import GuichetCore
import GuichetJobs
import Hummingbird
import Logging
import ServiceLifecycle

/// Health and metrics for ops, answered without a session (bound to the same address).
public protocol WebProbes: Sendable {
    /// Whether the daemon is healthy, and a JSON body saying what was checked.
    func health() async -> (healthy: Bool, json: String)
    /// Prometheus text exposition.
    func metrics() async -> String
}

/// The approvers' web page: a Hummingbird router over the job store and the review desk.
/// Approving here and from the CLI is the same ``ReviewDesk`` call.
public struct WebServer: Sendable {
    let configuration: GuichetConfiguration
    let layout: StateLayout
    let jobs: any JobStore
    let accounts: any AccountStore
    let desk: ReviewDesk
    let deriver: (any ResultDeriver)?
    let probes: (any WebProbes)?
    let renderer: PageRenderer
    let limiter: LoginLimiter
    let logger: Logger

    public init(configuration: GuichetConfiguration, layout: StateLayout, jobs: any JobStore, accounts: any AccountStore,
                desk: ReviewDesk, deriver: (any ResultDeriver)? = nil, probes: (any WebProbes)? = nil,
                texts: WebTexts = .french, logger: Logger) throws {
        self.configuration = configuration
        self.layout = layout
        self.jobs = jobs
        self.accounts = accounts
        self.desk = desk
        self.deriver = deriver
        self.probes = probes
        self.renderer = try PageRenderer(texts: texts)
        self.limiter = LoginLimiter(limit: configuration.web.maxLoginAttempts, window: configuration.web.loginWindow)
        self.logger = logger
    }

    var texts: WebTexts { renderer.texts }

    var accountDesk: AccountDesk { AccountDesk(store: accounts, bcryptCost: configuration.web.bcryptCost, logger: logger) }

    /// Every route of the page.
    public func makeRouter() -> Router<WebContext> {
        let router = Router(context: WebContext.self)
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: SessionMiddleware(accounts: accounts, maxUploadBytes: configuration.web.maxUploadBytes, renderer: renderer))
        router.get("/static/guichet.css") { _, _ in
            var h = HTTPFields()
            h[.contentType] = "text/css; charset=utf-8"
            h[.cacheControl] = "max-age=3600"
            return Response(status: .ok, headers: h, body: .init(byteBuffer: ByteBuffer(string: WebTemplates.css)))
        }
        router.get("/") { _, _ in PageRenderer.redirect("/queue") }
        // Browsers ask for it on every site; answered plainly rather than with the sign-in page.
        router.get("/favicon.ico") { _, _ in Response(status: .noContent) }
        addLoginRoutes(router)
        addQueueRoutes(router)
        addItemRoutes(router)
        addDecisionRoutes(router)
        addAuditRoutes(router)
        addAccountRoutes(router)
        addProbeRoutes(router)
        return router
    }

    /// The server as a `Service`, for `guichet run` (with the daemon's other services) and
    /// `guichet serve` (alone).
    public func makeApplication() -> some ApplicationProtocol & Service {
        var log = logger
        log[metadataKey: "guichet.component"] = "web"
        return Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(configuration.web.host, port: configuration.web.port), serverName: "Guichet"),
            logger: log)
    }

    func addProbeRoutes(_ router: Router<WebContext>) {
        guard let probes else { return }
        router.get("/healthz") { _, _ in
            let (ok, json) = await probes.health()
            var h = HTTPFields()
            h[.contentType] = "application/json"
            return Response(status: ok ? .ok : .serviceUnavailable, headers: h, body: .init(byteBuffer: ByteBuffer(string: json)))
        }
        router.get("/metrics") { _, _ in
            var h = HTTPFields()
            h[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: h, body: .init(byteBuffer: ByteBuffer(string: await probes.metrics())))
        }
    }

    /// A job the signed-in account may see, or nil (unknown, malformed ID, or another
    /// pipeline's: all three look the same from outside).
    func visibleJob(_ rawID: String?, _ context: WebContext) async throws -> Job? {
        guard let raw = rawID?.lowercased(), JobID.isWellFormed(raw), let account = context.account else { return nil }
        guard let job = try await jobs.job(JobID(rawValue: raw)), account.mayAct(on: job.pipeline) else { return nil }
        return job
    }

    func notFound(_ context: WebContext) -> Response {
        renderer.message(texts.error, texts.notFound, status: .notFound, context: context)
    }
}
