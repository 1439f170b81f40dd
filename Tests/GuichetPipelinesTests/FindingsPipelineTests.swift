import Foundation
import GuichetCore
import GuichetDOCX
@testable import GuichetPipelines
import GuichetTestSupport
import Testing

/// The SWOT pipeline (`findings` mode) against a fake model answering JSON.
@Suite(.serialized) struct FindingsPipelineTests {
    static let report = """
        <!-- page 1 -->

        # Rapport d’activité

        La commune dispose d’un réseau de bibliothèques très fréquenté par les familles.

        <!-- page 2 -->

        ## Finances

        Le budget de fonctionnement reste contraint par la hausse des coûts de l’énergie.

        Une subvention régionale pour la rénovation thermique est annoncée pour 2025.
        """

    func item(_ category: String, _ statement: String, _ quote: String) -> String {
        #"{"category": "\#(category)", "statement": "\#(statement)", "quote": "\#(quote)"}"#
    }

    @Test func quotesAreVerifiedAndLocatedInventedOnesAreFlagged() async throws {
        let answer = #"{"items": ["# + [
            item("strength", "Bibliothèques fréquentées", "réseau de bibliothèques   très fréquenté par les familles"),
            item("weakness", "Budget contraint", "la hausse des coûts de l'énergie"),
            item("opportunity", "Subvention régionale", "Une subvention régionale pour la rénovation thermique"),
            item("threat", "Baisse de population", "la population diminue de 3 % par an"),
        ].joined(separator: ",") + "]}"
        let h = try PipelineHarness(behavior: { _ in .chat(content: answer) })
        let job = try await h.claim("rapport.md", Self.report, folder: "swot")
        guard case .awaitingReview(let done) = await h.runner().run(job) else { Issue.record("not done"); return }
        let md = try h.result(done)
        // The answer's shape is asked for as a JSON schema, with the pipeline's categories.
        #expect(h.server.chatRequests.allSatisfy { $0.responseFormatType == "json_schema" }, "a JSON schema asked for")
        let schema = try #require(h.server.chatRequests.first?.responseSchema)
        #expect(schema.contains(#""enum":["strength","weakness","opportunity","threat"]"#))
        #expect(schema.contains(#""required":["category","statement","quote"]"#))
        #expect(md.hasPrefix("# Analyse SWOT — rapport.md"))
        #expect(md.contains("| Forces | Faiblesses |") && md.contains("| Opportunités | Menaces |"))
        // Whitespace and apostrophe differences (’ vs ') do not prevent verification; pages are found.
        #expect(md.contains("« réseau de bibliothèques   très fréquenté par les familles » — p. 1 — ✓ vérifiée"))
        #expect(md.contains("« la hausse des coûts de l'énergie » — p. 2 — ✓ vérifiée"))
        #expect(md.contains("« la population diminue de 3 % par an » — ⚠ citation non trouvée dans le document"))
        #expect(md.contains("3 citation(s) vérifiée(s) sur 4"))
        #expect(done.flags.contains { $0.contains("Citation non trouvée") && $0.contains("population") })
        #expect(done.flags.first == "4 point(s) ; 3 citation(s) vérifiée(s) sur 4.")
        let docx = try h.layout.stateFile(done.resultPath!).deletingLastPathComponent().appendingPathComponent("rapport.swot.docx")
        let text = try DOCXReader.text(of: docx)
        #expect(text.contains("Forces") && text.contains("Menaces"))
        #expect(text.contains { $0.contains("citation non trouvée") })
    }

    /// A model server that does not know `json_schema` (HTTP 400 when it is sent) still gets
    /// the job done with plain JSON mode, and is asked with a schema no more than once per
    /// concurrent call; the runner remembers it for the next job.
    @Test func aServerWithoutJSONSchemaGetsJSONMode() async throws {
        let answer = #"{"items": ["# + item("strength", "Bibliothèques", "réseau de bibliothèques") + "]}"
        let h = try PipelineHarness(behavior: { r in
            r.responseFormatType == "json_schema"
                ? .status(400, body: #"{"error": {"message": "unknown response_format type: json_schema"}}"#)
                : .chat(content: answer)
        })
        let runner = h.runner()
        let first = try await h.claim("rapport.md", Self.report, folder: "swot")
        guard case .awaitingReview(let done) = await runner.run(first) else { Issue.record("not done"); return }
        #expect(done.flags.first == "1 point(s) ; 1 citation(s) vérifiée(s) sur 1.")
        let refused = h.server.chatRequests.filter { $0.responseFormatType == "json_schema" }.count
        #expect(refused >= 1 && refused <= h.configuration.llm.maxConcurrentRequests)
        let before = h.server.chatRequests.count
        let second = try await h.claim("autre.md", Self.report, folder: "swot")
        guard case .awaitingReview = await runner.run(second) else { Issue.record("second not done"); return }
        #expect(h.server.chatRequests.dropFirst(before).allSatisfy { $0.responseFormatType == "json_object" }, "learnt once for the runner")
    }

    @Test func brokenJSONIsRepairedOrAskedAgainWithTheProblem() async throws {
        let good = #"{"items": [{"category": "Forces", "statement": "Bibliothèques", "quote": "réseau de bibliothèques"},]}"#
        let calls = Counter()
        let h = try PipelineHarness(behavior: { r in
            switch calls.next() {
            case 0: return .chat(content: "Voici l'analyse :\n```json\n" + good + "\n```")  // fenced, chatter, trailing comma
            case 1: return .chat(content: #"{"analysis": "nothing structured"}"#)            // wrong shape
            case 2: return .chat(content: good)                                              // after being told
            default: return .chat(content: "pas du JSON")
            }
        }) { $0.chunking.maxTokens = 30; $0.llm.maxConcurrentRequests = 1 }
        let text = "La commune dispose d’un réseau de bibliothèques très fréquenté.\n\nLe budget reste contraint par la hausse des coûts.\n\nUne subvention régionale est annoncée.\n"
        let job = try await h.claim("r.md", text, folder: "swot")
        guard case .awaitingReview(let done) = await h.runner().run(job) else { Issue.record("not done"); return }
        let chunkRecords = try await h.store.chunks(of: job.id, stage: "findings")
        #expect(chunkRecords.count == 3, "\(chunkRecords.map(\.source)) \(h.configuration.chunking.maxTokens)")
        let requests = h.server.chatRequests
        #expect(requests.contains { r in r.messages.last?.content.contains("could not be used") == true })
        // The third chunk got garbage twice: flagged, the job still completes.
        #expect(done.flags.contains { $0.contains("illisible") })
        let md = try h.result(done)
        #expect(md.contains("**Bibliothèques**"), "duplicates across chunks merged into one point")
        #expect(md.components(separatedBy: "**Bibliothèques**").count == 2)
        #expect(md.contains("## Menaces\n\n(aucun point)"), "an empty quadrant says so")
    }

    @Test func nearDuplicatesMergeWithAllTheirCitationsAndQuadrantsAreCapped() async throws {
        let h = try PipelineHarness(behavior: { r in
            let t = r.lastUserMessage ?? ""
            if t.contains("bibliothèques") {
                return .chat(content: #"{"items": [{"category": "strength", "statement": "Un réseau de bibliothèques très fréquenté", "quote": "réseau de bibliothèques"}]}"#)
            }
            if t.contains("médiathèque") {
                return .chat(content: #"{"items": [{"category": "strength", "statement": "Réseau de bibliothèques fréquenté", "quote": "la médiathèque centrale"}]}"#)
            }
            let weak = ["Budget contraint", "Dette élevée", "Personnel insuffisant", "Bâtiments vétustes", "Transports rares", "Chômage croissant", "Friches industrielles", "Réseau fibre lacunaire", "Commerces fermés"]
            let many = weak.enumerated().map { #"{"category": "weakness", "statement": "\#($0.element)", "quote": "budget \#($0.offset)"}"# }
            return .chat(content: #"{"items": ["# + many.joined(separator: ",") + "]}")
        }) { c in
            c.chunking.maxTokens = 20
            c.llm.maxConcurrentRequests = 1
            if let i = c.pipelines.firstIndex(where: { $0.name == "swot" }) { c.pipelines[i].maxItemsPerCategory = 3 }
        }
        let text = "Le réseau de bibliothèques est très fréquenté.\n\nLa médiathèque centrale attire les familles.\n\nLe budget de la commune est contraint.\n"
        let job = try await h.claim("r.md", text, folder: "swot")
        guard case .awaitingReview(let done) = await h.runner().run(job) else { Issue.record("not done"); return }
        let md = try h.result(done)
        let forces = md.components(separatedBy: "## Forces")[1].components(separatedBy: "## Faiblesses")[0]
        #expect(forces.components(separatedBy: "- **").count - 1 == 1, "one merged strength")
        #expect(forces.contains("réseau de bibliothèques") && forces.contains("la médiathèque centrale"), "both citations kept")
        let weaknesses = md.components(separatedBy: "## Faiblesses")[1].components(separatedBy: "## Opportunités")[0]
        #expect(weaknesses.components(separatedBy: "- **").count - 1 == 3, "capped at 3")
    }

    @Test func aSingleShortParagraphWithNothingWorthAPointGivesAnEmptyReport() async throws {
        let h = try PipelineHarness(behavior: { _ in .chat(content: #"{"items": []}"#) })
        let job = try await h.claim("court.txt", "Bonjour.\n", folder: "swot")
        guard case .awaitingReview(let done) = await h.runner().run(job) else { Issue.record("not done"); return }
        let md = try h.result(done)
        #expect(md.components(separatedBy: "(aucun point)").count - 1 >= 4)
        #expect(done.resultPath?.hasSuffix("court.swot.md") == true)
    }
}

/// The model-based merge of findings that say the same thing in other words, in rounds when
/// they do not fit one call.
@Suite(.serialized) struct FindingsConsolidationTests {
    /// A fake model: each excerpt yields two weaknesses; asked to group, it groups statements
    /// by their first word (its idea of "the same thing").
    @Sendable static func model(_ r: FakeRequest) -> FakeResponse {
        let t = r.lastUserMessage ?? ""
        if t.hasPrefix("Here are numbered points") {
            var byWord: [String: [Int]] = [:]
            var order: [String] = []
            for line in t.split(separator: "\n") {
                guard let dot = line.firstIndex(of: "."), let n = Int(line[..<dot]) else { continue }
                let word = line[line.index(after: dot)...].split(separator: " ").first.map(String.init) ?? ""
                if byWord[word] == nil { order.append(word) }
                byWord[word, default: []].append(n)
            }
            let groups = order.map { "[" + byWord[$0]!.map(String.init).joined(separator: ", ") + "]" }.joined(separator: ", ")
            return .chat(content: #"{"groups": ["# + groups + "]}")
        }
        let excerpt = t.components(separatedBy: "Excerpt:\n").last ?? ""
        let n = Int(excerpt.split(separator: " ").first { Int($0) != nil } ?? "0") ?? 0
        let words = ["Budget", "Dette", "Personnel"]
        // Distinct words after the first, so that word overlap alone does not merge them.
        let tails = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima", "mike", "novembre"]
        let a = words[n % 3], b = words[(n + 1) % 3]
        return .chat(content: #"{"items": [{"category": "weakness", "statement": "\#(a) \#(tails[n % 14])", "quote": "Paragraphe \#(n)"}, {"category": "weakness", "statement": "\#(b) \#(tails[(n + 7) % 14])", "quote": "numéro \#(n)"}]}"#)
    }

    @Test func paraphrasesMergeInRoundsAndKeepEveryCitation() async throws {
        let h = try PipelineHarness(behavior: Self.model) { c in
            c.chunking.maxTokens = 30
            c.llm.maxConcurrentRequests = 1
            if let i = c.pipelines.firstIndex(where: { $0.name == "swot" }) { c.pipelines[i].maxItemsPerCategory = 3 }
        }
        let text = (1...12).map { "Paragraphe \($0) : la commune examine le point numéro \($0)." }.joined(separator: "\n\n") + "\n"
        let job = try await h.claim("r.md", text, folder: "swot")
        guard case .awaitingReview(let done) = await h.runner().run(job) else { Issue.record("not done"); return }
        let round1 = try await h.store.chunks(of: job.id, stage: "consolidate-weakness-1")
        let round2 = try await h.store.chunks(of: job.id, stage: "consolidate-weakness-2")
        #expect(round1.count > 1, "the first round needed several calls under the budget")
        #expect(!round2.isEmpty, "a second round merged across the first round's batches")
        let md = try h.result(done)
        let weaknesses = md.components(separatedBy: "## Faiblesses")[1].components(separatedBy: "## Opportunités")[0]
        let points = weaknesses.components(separatedBy: "- **").dropFirst()
        #expect(points.count == 3, "three ideas: Budget, Dette, Personnel")
        for word in ["Budget", "Dette", "Personnel"] {
            let point = try #require(points.first { $0.hasPrefix(word) })
            #expect(point.components(separatedBy: "    - «").count - 1 >= 4, "every citation of the merged paraphrases kept")
        }
    }

    /// Two quadrants over the cap: each round asks for both at once (the quadrants do not wait
    /// for each other), and each keeps its own rounds and merged points.
    @Test func quadrantsAreConsolidatedConcurrently() async throws {
        let h = try PipelineHarness(behavior: { r in
            let t = r.lastUserMessage ?? ""
            if t.hasPrefix("Here are numbered points") {
                guard case .chat(let content, _, _, _) = Self.model(r) else { return .chat(content: "{}") }
                return .chat(content: content, delay: 0.3)
            }
            let excerpt = t.components(separatedBy: "Excerpt:\n").last ?? ""
            let n = Int(excerpt.split(separator: " ").first { Int($0) != nil } ?? "0") ?? 0
            let weak = ["Budget", "Dette", "Personnel"][n % 3], threat = ["Crue", "Incendie", "Tempête"][n % 3]
            let tails = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima", "mike", "novembre"]
            return .chat(content: #"{"items": [{"category": "weakness", "statement": "\#(weak) \#(tails[n % 14])", "quote": "Paragraphe \#(n)"}, {"category": "threat", "statement": "\#(threat) \#(tails[(n + 5) % 14])", "quote": "numéro \#(n)"}]}"#)
        }) { c in
            c.chunking.maxTokens = 30
            c.llm.maxConcurrentRequests = 2
            if let i = c.pipelines.firstIndex(where: { $0.name == "swot" }) { c.pipelines[i].maxItemsPerCategory = 3 }
        }
        let text = (1...12).map { "Paragraphe \($0) : la commune examine le point numéro \($0)." }.joined(separator: "\n\n") + "\n"
        let job = try await h.claim("r.md", text, folder: "swot")
        guard case .awaitingReview(let done) = await h.runner().run(job) else { Issue.record("not done"); return }
        for category in ["weakness", "threat"] {
            #expect(try await h.store.chunks(of: job.id, stage: "consolidate-\(category)-1").allSatisfy { $0.result != nil })
        }
        let grouping = h.server.chatRequests.filter { ($0.lastUserMessage ?? "").hasPrefix("Here are numbered points") }
        // One quadrant after the other would send every weakness round before the first threat.
        let lastWeak = try #require(grouping.last { $0.lastUserMessage!.contains("Budget") }).arrivalTime
        let firstThreat = try #require(grouping.first { $0.lastUserMessage!.contains("Crue") }).arrivalTime
        #expect(try await h.store.chunks(of: job.id, stage: "consolidate-weakness-2").count == 1, "a second round")
        #expect(firstThreat < lastWeak, "the threats' first round does not wait for the weaknesses' last")
        let md = try h.result(done)
        for (section, next, words) in [("## Faiblesses", "## Opportunités", ["Budget", "Dette", "Personnel"]), ("## Menaces", "---", ["Crue", "Incendie", "Tempête"])] {
            let body = md.components(separatedBy: section)[1].components(separatedBy: next)[0]
            let points = body.components(separatedBy: "- **").dropFirst()
            #expect(points.count == 3, "\(section): three ideas")
            for word in words {
                let point = try #require(points.first { $0.hasPrefix(word) })
                #expect(point.components(separatedBy: "    - «").count - 1 >= 4, "\(word): every citation of the merged paraphrases kept")
            }
        }
    }

    /// Statements merge from three fifths of their words in common (Jaccard), the boundary
    /// included, and not below; the same quote merges whatever the wording.
    @Test func wordOverlapMergesFromThreeFifths() {
        let a = RawFinding(category: "strength", statement: "alpha bravo charlie delta echo", quote: "q1")
        let subset = RawFinding(category: "strength", statement: "Alpha, bravo et charlie", quote: "q2")  // 3 of 5: 0.6
        let near = RawFinding(category: "strength", statement: "alpha bravo charlie delta foxtrot", quote: "q3")  // 4 of 6
        let apart = RawFinding(category: "strength", statement: "alpha bravo charlie golf hotel", quote: "q4")  // 3 of 7
        let otherSide = RawFinding(category: "threat", statement: "alpha bravo charlie delta echo", quote: "q5")
        let sameQuote = RawFinding(category: "strength", statement: "kilo lima mike", quote: "Q1 ")
        let merged = FindingsMerger.mergeDuplicates([a, subset, near, apart, otherSide, sameQuote].map { ($0, nil) })
        #expect(merged.map(\.statement) == ["alpha bravo charlie delta echo", "alpha bravo charlie golf hotel", "alpha bravo charlie delta echo"])
        // "Q1 " is q1 once normalised: merged, and not cited twice.
        #expect(merged[0].citations.map(\.quote) == ["q1", "q2", "q3"])
        #expect(merged[1].citations.map(\.quote) == ["q4"])
        #expect(FindingsMerger.similarity(["a", "b", "c"], ["b", "c", "d", "e"]) == 2.0 / 5.0)
    }

    @Test func anUnusableGroupingMergesNothing() {
        #expect(FindingsConsolidator.groups("not json", count: 3) == [[0], [1], [2]])
        #expect(FindingsConsolidator.groups(#"{"groups": [[1, 3], [3, 2], [9]]}"#, count: 3) == [[0, 2], [1]])
    }
}
