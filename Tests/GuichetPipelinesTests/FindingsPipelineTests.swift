import Foundation
import GuichetCore
import GuichetDOCX
import GuichetPipelines
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
        #expect(h.server.chatRequests.allSatisfy { $0.responseFormatType == "json_object" }, "JSON mode asked for")
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
