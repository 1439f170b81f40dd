import Foundation
import GuichetCore
import GuichetDOCX
import GuichetJobs
import GuichetPipelines
import GuichetTestSupport
import Testing

struct MapReducePipelineTests {
    @Test func analysesAreMergedInRoundsWhenTheyDoNotFitOneCall() async throws {
        let h = try PipelineHarness(behavior: { r in
            let user = r.lastUserMessage ?? ""
            if user.contains("partial SWOT analyses") {
                let parts = user.components(separatedBy: "### Part ").count - 1
                return .chat(content: "## Forces\n\n- fusion de \(parts) analyses, " + String(repeating: "détail ", count: 40))
            }
            return .chat(content: "## Strengths\n\n- point \"" + String(repeating: "citation ", count: 40) + "\"")
        }) { $0.chunking.maxTokens = 80 }
        let text = (1...12).map { "Le paragraphe \($0) décrit un atout du territoire et une menace qui pèse sur lui." }.joined(separator: "\n\n")
        let job = try await h.claim("rapport.md", text, folder: "swot")
        guard case .awaitingReview(let done) = await h.runner().run(job) else { Issue.record("not done"); return }
        let map = try await h.store.chunks(of: job.id, stage: "map")
        let r1 = try await h.store.chunks(of: job.id, stage: "reduce-1")
        let r2 = try await h.store.chunks(of: job.id, stage: "reduce-2")
        #expect(map.count > 4)
        #expect(r1.count > 1, "the first round needs several calls with a tiny budget")
        #expect(!r2.isEmpty)
        let out = try h.result(done)
        #expect(out.hasPrefix("# SWOT — rapport.md"))
        #expect(out.contains("Guichet"))
        #expect(done.resultPath?.hasSuffix("rapport.swot.md") == true)
        // The report also comes as DOCX, with the same text and real headings.
        let docx = try h.layout.stateFile(done.resultPath!).deletingLastPathComponent().appendingPathComponent("rapport.swot.docx")
        let paragraphs = try DOCXReader.text(of: docx)
        #expect(paragraphs.first == "SWOT — rapport.md")
        #expect(paragraphs.contains { $0.hasPrefix("fusion de") })
        let desk = ReviewDesk(configuration: h.configuration, layout: h.layout, store: h.store, logger: h.logger)
        _ = try await desk.approve(done.id, by: "Chloé", comment: nil)
        let published = try FileManager.default.contentsOfDirectory(atPath: h.layout.outputDir.appendingPathComponent("swot").path).sorted()
        #expect(published == ["rapport.swot.docx", "rapport.swot.md"])
    }

    @Test func chunksWithNothingToSayAreLeftOut() async throws {
        let h = try PipelineHarness(behavior: { r in
            let user = r.lastUserMessage ?? ""
            if user.contains("partial SWOT analyses") { return .chat(content: "## Forces\n\n- une seule") }
            return .chat(content: user.contains("atout") ? "- atout" : "NONE")
        })
        let job = try await h.claim("r.md", "Un atout.\n\nRien.\n", folder: "swot")
        guard case .awaitingReview = await h.runner().run(job) else { Issue.record("not done"); return }
        let reduceCall = try #require(h.server.chatRequests.last?.lastUserMessage)
        #expect(!reduceCall.contains("NONE"))
    }
}
