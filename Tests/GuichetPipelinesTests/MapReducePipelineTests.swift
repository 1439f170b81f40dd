import Foundation
import GuichetCore
import GuichetDOCX
import GuichetJobs
import GuichetPipelines
import GuichetTestSupport
import Testing

/// A map-reduce pipeline declared as data, as an operator would in the configuration.
let synthesis = PipelineDefinition(
    name: "synthese", mode: .mapReduce, systemPrompt: "You summarise documents in {{language}}.",
    chunkPrompt: "Analyse this part:\n{{text}}", reducePrompt: "Merge these partial analyses:\n{{analyses}}",
    outputFormats: [.markdown, .docx], promptVersion: "synthese-1", outputSuffix: "synthese")

struct MapReducePipelineTests {
    @Test func analysesAreMergedInRoundsWhenTheyDoNotFitOneCall() async throws {
        let h = try PipelineHarness(behavior: { r in
            let user = r.lastUserMessage ?? ""
            if user.contains("Merge these partial analyses") {
                let parts = user.components(separatedBy: "### Part ").count - 1
                return .chat(content: "## Forces\n\n- fusion de \(parts) analyses, " + String(repeating: "détail ", count: 40))
            }
            return .chat(content: "## Strengths\n\n- point \"" + String(repeating: "citation ", count: 40) + "\"")
        }) { $0.chunking.maxTokens = 80; $0.pipelines.append(synthesis) }
        let text = (1...12).map { "Le paragraphe \($0) décrit un atout du territoire et une menace qui pèse sur lui." }.joined(separator: "\n\n")
        let job = try await h.claim("rapport.md", text, folder: "synthese")
        guard case .awaitingReview(let done) = await h.runner().run(job) else { Issue.record("not done"); return }
        let map = try await h.store.chunks(of: job.id, stage: "map")
        let r1 = try await h.store.chunks(of: job.id, stage: "reduce-1")
        let r2 = try await h.store.chunks(of: job.id, stage: "reduce-2")
        #expect(map.count > 4)
        #expect(r1.count > 1, "the first round needs several calls with a tiny budget")
        #expect(!r2.isEmpty)
        let out = try h.result(done)
        #expect(out.hasPrefix("# SYNTHESE — rapport.md"))
        #expect(out.contains("Guichet"))
        #expect(done.resultPath?.hasSuffix("rapport.synthese.md") == true)
        // The report also comes as DOCX, with the same text and real headings.
        let docx = try h.layout.stateFile(done.resultPath!).deletingLastPathComponent().appendingPathComponent("rapport.synthese.docx")
        let paragraphs = try DOCXReader.text(of: docx)
        #expect(paragraphs.first == "SYNTHESE — rapport.md")
        #expect(paragraphs.contains { $0.hasPrefix("fusion de") })
        let desk = ReviewDesk(configuration: h.configuration, layout: h.layout, store: h.store, logger: h.logger)
        _ = try await desk.approve(done.id, by: "Chloé", comment: nil)
        let published = try FileManager.default.contentsOfDirectory(atPath: h.layout.outputDir.appendingPathComponent("synthese").path).sorted()
        #expect(published == ["rapport.synthese.docx", "rapport.synthese.md"])
    }

    @Test func chunksWithNothingToSayAreLeftOut() async throws {
        let h = try PipelineHarness(behavior: { r in
            let user = r.lastUserMessage ?? ""
            if user.contains("Merge these partial analyses") { return .chat(content: "## Forces\n\n- une seule") }
            return .chat(content: user.contains("atout") ? "- atout" : "NONE")
        }) { $0.pipelines.append(synthesis) }
        let job = try await h.claim("r.md", "Un atout.\n\nRien.\n", folder: "synthese")
        guard case .awaitingReview = await h.runner().run(job) else { Issue.record("not done"); return }
        let reduceCall = try #require(h.server.chatRequests.last?.lastUserMessage)
        #expect(!reduceCall.contains("NONE"))
    }
}
