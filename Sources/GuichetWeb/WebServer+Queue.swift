import Foundation
import GuichetCore
import Hummingbird

extension WebServer {
    static let pageSize = 50

    struct QueuePage {
        struct Option { var name: String; var selected: Bool }
        struct StateOption { var value: String; var label: String; var selected: Bool }
        struct Row { var id: String; var name: String; var pipeline: String; var state: String; var received: String; var waiting: String; var flagCount: Int? }
        var t: WebTexts
        var title: String
        var heading: String
        var user: PageRenderer.User?
        var notice: String?
        var pipelines: [Option]
        var states: [StateOption]
        var rows: [Row]
        var total: Int
        var pageNumber: Int
        var previousURL: String?
        var nextURL: String?
    }

    func addQueueRoutes(_ router: Router<WebContext>) {
        router.get("/queue") { request, context in
            let account = try context.requireAccount()
            let q = request.uri.queryParameters
            let visible = configuration.pipelines.map(\.name).filter { account.mayAct(on: $0) }
            // Filters come from fixed lists: an unknown value is ignored, never used as is.
            let pipeline = q["pipeline"].map(String.init).flatMap { visible.contains($0) ? $0 : nil }
            let stateRaw = q["state"].map(String.init) ?? JobState.awaitingReview.rawValue
            let state = JobState(rawValue: stateRaw)
            let page = max(1, min(10_000, Int(q["page"].map(String.init) ?? "") ?? 1))
            var filter = JobFilter(states: state.map { [$0] }, pipelines: Set(pipeline.map { [$0] } ?? visible))
            let total = try await jobs.countJobs(matching: filter)
            filter.limit = Self.pageSize
            filter.offset = (page - 1) * Self.pageSize
            let list = try await jobs.jobs(matching: filter)
            let now = Date()
            let rows = list.map { j in
                QueuePage.Row(id: j.id.rawValue, name: j.sourceName, pipeline: j.pipeline, state: texts.stateLabel(j.state.rawValue),
                              received: Self.dateText(j.createdAt), waiting: Self.duration(now.timeIntervalSince(j.updatedAt)),
                              flagCount: j.flags.isEmpty ? nil : j.flags.count)
            }
            func url(_ p: Int) -> String {
                var items = [URLQueryItem(name: "state", value: state?.rawValue ?? "all"), URLQueryItem(name: "page", value: "\(p)")]
                if let pipeline { items.insert(URLQueryItem(name: "pipeline", value: pipeline), at: 0) }
                var c = URLComponents()
                c.path = "/queue"
                c.queryItems = items
                return c.string ?? "/queue"
            }
            let states = JobState.allCases.map { QueuePage.StateOption(value: $0.rawValue, label: texts.stateLabel($0.rawValue), selected: $0 == state) }
                + [QueuePage.StateOption(value: "all", label: texts.allPipelines, selected: state == nil)]
            let heading = state.map { texts.stateLabel($0.rawValue) } ?? texts.queue
            let notice = q["done"].map(String.init).flatMap(texts.notice)
            return try renderer.render("queue", QueuePage(
                t: texts, title: heading, heading: heading, user: PageRenderer.user(context), notice: notice,
                pipelines: visible.map { .init(name: $0, selected: $0 == pipeline) }, states: states, rows: rows, total: total,
                pageNumber: page, previousURL: page > 1 ? url(page - 1) : nil,
                nextURL: page * Self.pageSize < total ? url(page + 1) : nil))
        }
    }

    /// Formatting a date is read-only on a configured formatter, safe from several threads.
    static let dateFormatter: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "fr_FR")
        f.dateFormat = "dd/MM/yyyy HH:mm"
        return f
    }()

    static func dateText(_ d: Date) -> String { dateFormatter.string(from: d) }

    static func duration(_ seconds: TimeInterval) -> String {
        let s = max(0, Int(seconds))
        if s < 60 { return "\(s) s" }
        if s < 3_600 { return "\(s / 60) min" }
        if s < 86_400 { return "\(s / 3_600) h \(s % 3_600 / 60) min" }
        return "\(s / 86_400) j \(s % 86_400 / 3_600) h"
    }
}
