import Foundation
import GuichetCore
import GuichetJobs
import GuichetPipelines
import GuichetTestSupport
import Testing

@Suite(.serialized) struct MapPipelineTests {
    @Test func aCorpusMarkdownKeepsItsStructureAndCodeBlocks() async throws {
        let h = try PipelineHarness(behavior: upperCase) { $0.chunking.maxTokens = 300 }
        let source = try PipelineHarness.corpus("datagouv-doc__tutoriel.md")
        let job = try await h.claim("tutoriel.md", source, sub: ["en"])
        guard case .awaitingReview(let done) = await h.runner().run(job) else { Issue.record("not awaiting review"); return }
        let src = String(decoding: source, as: UTF8.self)
        let out = try h.result(done)
        #expect(fencedBlocks(out) == fencedBlocks(src), "code blocks are byte-identical")
        #expect(!fencedBlocks(src).isEmpty)
        // Code never reaches the model.
        for block in fencedBlocks(src) where block.count > 40 {
            #expect(!h.server.chatRequests.contains { ($0.lastUserMessage ?? "").contains(block) })
        }
        // Front matter is kept as it was.
        #expect(out.hasPrefix(String(src.prefix(while: { $0 != "\n" }))))
        let srcHeadings = src.split(separator: "\n").filter { $0.hasPrefix("#") }.map { $0.prefix(while: { $0 == "#" }) }
        let outHeadings = out.split(separator: "\n").filter { $0.hasPrefix("#") }.map { $0.prefix(while: { $0 == "#" }) }
        #expect(srcHeadings == outHeadings)
        let firstHeading = try #require(src.split(separator: "\n").first { $0.hasPrefix("#") })
        #expect(out.contains(firstHeading.uppercased()), "headings were transformed")
        #expect(done.resultPath?.hasSuffix("tutoriel.en.md") == true)
        #expect(done.promptTokens > 0 && done.completionTokens > 0 && done.model == "fake-model")
        #expect(done.flags.isEmpty)
        // Every chunk went to the model exactly once.
        let chunks = try await h.store.chunks(of: job.id, stage: "map")
        #expect(chunks.count > 1 && chunks.allSatisfy(\.isDone))
        #expect(h.server.chatRequests.count == chunks.count)
        // The prompt names the language from the subfolder.
        #expect(h.server.chatRequests[0].messages[0].content.contains("English"))
    }

    @Test func aResumedJobSendsOnlyTheChunksWithoutAnAnswer() async throws {
        let h = try PipelineHarness(behavior: upperCase) { $0.chunking.maxTokens = 60 }
        let text = (1...8).map { "Paragraphe numéro \($0) avec assez de mots pour remplir une partie du budget de la découpe." }.joined(separator: "\n\n")
        let job = try await h.claim("long.md", text)
        // First run dies after three chunks: the fake answers three, then hangs up every call.
        let counter = Counter()
        h.server.setBehavior { r in counter.next() < 3 ? upperCase(r) : .closeConnection }
        var settings = ProcessorSettings(h.configuration)
        settings.maxConcurrency = 1
        guard case .waitingForModel = await h.runner(settings: settings).run(job) else { Issue.record("expected to wait for the model"); return }
        let partial = try await h.store.chunks(of: job.id, stage: "map")
        #expect(partial.filter(\.isDone).count == 3)
        let doneSources = Set(partial.filter(\.isDone).map(\.source))
        // The model comes back; the job resumes.
        h.server.setBehavior(upperCase)
        let before = h.server.chatRequests.count
        let again = try #require(try await h.store.claimNextQueued(now: Date().addingTimeInterval(3600)))
        guard case .awaitingReview(let done) = await h.runner(settings: settings).run(again) else { Issue.record("not finished"); return }
        let resent = h.server.chatRequests[before...].compactMap(\.lastUserMessage)
        #expect(resent.count == partial.count - 3)
        #expect(doneSources.isDisjoint(with: Set(resent)), "no finished chunk is sent again")
        #expect(try h.result(done) == text.uppercased())
    }

    @Test func anUnreachableModelMakesTheJobWaitNotFail() async throws {
        let h = try PipelineHarness()
        h.server.stop()
        let job = try await h.claim("a.md", "Bonjour.")
        let outcome = await h.runner().run(job)
        guard case .waitingForModel(let j, let at) = outcome else { Issue.record("expected to wait: \(outcome)"); return }
        #expect(j.state == .queued && at > Date())
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: h.failedDir().path)) ?? []).isEmpty)
        #expect(try await h.store.audit(of: job.id, limit: nil).last?.action == .retryScheduled)
    }

    @Test func mergedParagraphsAreRetriedInHalvesDownToSingleSegments() async throws {
        // The model joins paragraphs into one when given several, but answers single ones well.
        let h = try PipelineHarness(behavior: { r in
            let t = (r.lastUserMessage ?? "").uppercased()
            return .chat(content: t.replacingOccurrences(of: "\n\n", with: " "))
        })
        let text = "Premier paragraphe.\n\nDeuxième paragraphe.\n\nTroisième paragraphe.\n"
        let job = try await h.claim("m.md", text)
        guard case .awaitingReview(let done) = await h.runner().run(job) else { Issue.record("not done"); return }
        #expect(try h.result(done) == text.uppercased())
        // 3 segments → cut in [1] + [2, 3] → [2, 3] merged again → [2] + [3].
        #expect(h.server.chatRequests.count == 5)
        #expect(h.server.chatRequests[2].lastUserMessage == "Deuxième paragraphe.\n\nTroisième paragraphe.")
    }

    @Test func aRefusalOrAnInventedBlockNeverReplacesTheSource() async throws {
        // The model drops list items when given the whole list, refuses one word alone, and
        // turns another into a heading with an explanation.
        let h = try PipelineHarness(behavior: { r in
            let t = r.lastUserMessage ?? ""
            if t.contains("\n") { return .chat(content: "- ONE ITEM ONLY") }
            if t.contains("ail") { return .chat(content: "I apologize, but I cannot assist with that request.") }
            if t.contains("sel") { return .chat(content: "# SALT AND PEPPER\nSalt is a mineral.") }
            return .chat(content: t.uppercased())
        })
        let text = "- beurre\n- ail\n- sel, poivre\n"
        let job = try await h.claim("l.md", text)
        guard case .awaitingReview(let done) = await h.runner().run(job) else { Issue.record("not done"); return }
        #expect(try h.result(done) == "- BEURRE\n- ail\n- sel, poivre\n")
        #expect(done.flags.count == 2)
        #expect(done.flags.contains { $0.contains("refusé") })
        #expect(done.flags.contains { $0.contains("ajouté des lignes") })
    }

    @Test func brokenPlaceholdersKeepTheSourceAndFlagIt() async throws {
        let h = try PipelineHarness(behavior: { r in
            .chat(content: (r.lastUserMessage ?? "").replacingOccurrences(of: "⟦1⟧", with: "").uppercased())
        })
        let text = "Lisez [le guide](https://exemple.fr/guide) avant.\n\nAutre paragraphe.\n"
        let job = try await h.claim("p.md", text)
        guard case .awaitingReview(let done) = await h.runner().run(job) else { Issue.record("not done"); return }
        let out = try h.result(done)
        #expect(out.contains("Lisez [le guide](https://exemple.fr/guide) avant."), "the damaged segment keeps its source")
        #expect(out.contains("AUTRE PARAGRAPHE."))
        #expect(done.flags.count == 1)
    }

    @Test func invalidUTF8FailsWithANoteAndTheOriginalKept() async throws {
        let h = try PipelineHarness()
        let bytes = Data("Ligne un\nLigne deux \u{e9}".utf8) + Data([0xC3, 0x28, 0x0A])
        let job = try await h.claim("latin.txt", bytes)
        guard case .failed(let j, let e) = await h.runner().run(job) else { Issue.record("not failed"); return }
        #expect(j?.state == .failed)
        #expect(e.code == .invalidEncoding)
        let kept = h.failedDir().appendingPathComponent("latin.txt")
        #expect(try Data(contentsOf: kept) == bytes)
        let note = try String(contentsOf: h.failedDir().appendingPathComponent("latin.txt.error.txt"), encoding: .utf8)
        #expect(note.contains("UTF-8"))
        #expect(h.server.chatRequests.isEmpty)
    }

    @Test func aSegmentLargerThanTheModelContextFailsClearly() async throws {
        let h = try PipelineHarness(behavior: { _ in
            .status(400, body: #"{"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error"}}"#)
        })
        let job = try await h.claim("ctx.md", "Un seul paragraphe.\n")
        guard case .failed(_, let e) = await h.runner().run(job) else { Issue.record("not failed"); return }
        #expect(e.code == .contextTooSmall)
        let note = try String(contentsOf: h.failedDir().appendingPathComponent("ctx.md.error.txt"), encoding: .utf8)
        #expect(note.contains("trop long"))
    }

    @Test func aChunkTooLargeForTheContextIsRetriedSegmentBySegment() async throws {
        let h = try PipelineHarness(behavior: { r in
            let t = r.lastUserMessage ?? ""
            if t.contains("\n\n") {
                return .status(400, body: #"{"error":{"message":"This model's maximum context length is 10 tokens"}}"#)
            }
            return .chat(content: t.uppercased())
        })
        let job = try await h.claim("c.md", "Un.\n\nDeux.\n")
        guard case .awaitingReview(let done) = await h.runner().run(job) else { Issue.record("not done"); return }
        #expect(try h.result(done) == "UN.\n\nDEUX.\n")
    }

    @Test func malformedAnswersRoundAfterRoundEndInAClearFailure() async throws {
        let h = try PipelineHarness(behavior: { _ in .malformedJSON })
        var job = try await h.claim("x.md", "Texte.\n")
        for round in 1...3 {
            let outcome = await h.runner().run(job)
            if round < 3 {
                guard case .waitingForModel = outcome else { Issue.record("round \(round): \(outcome)"); return }
                job = try #require(try await h.store.claimNextQueued(now: Date().addingTimeInterval(3600)))
            } else {
                guard case .failed(_, let e) = outcome else { Issue.record("round 3: \(outcome)"); return }
                #expect(e.code == .malformedModelOutput)
            }
        }
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func next() -> Int { lock.withLock { defer { n += 1 }; return n } }
}

struct RerunTests {
    @Test func anApproverCanSendAResultBackWithAnInstruction() async throws {
        let h = try PipelineHarness(behavior: upperCase)
        let job = try await h.claim("d.md", "La délibération est adoptée.\n")
        guard case .awaitingReview = await h.runner().run(job) else { Issue.record("not done"); return }
        let desk = ReviewDesk(configuration: h.configuration, layout: h.layout, store: h.store, logger: h.logger)
        await #expect(throws: GuichetError.self) { try await desk.rerun(job.id, by: "Inès", instruction: " ") }
        let queued = try await desk.rerun(job.id, by: "Inès", instruction: "Garde le terme « délibération ».")
        #expect(queued.state == .queued && queued.options["instruction"] == "Garde le terme « délibération ».")
        #expect(try await h.store.chunks(of: job.id, stage: "map").isEmpty, "earlier answers dropped")
        let again = try #require(try await h.store.claimNextQueued(now: Date()))
        guard case .awaitingReview = await h.runner().run(again) else { Issue.record("not done again"); return }
        let system = try #require(h.server.chatRequests.last?.messages.first?.content)
        #expect(system.contains("Additional instruction from the reviewer: Garde le terme « délibération »."))
        #expect(try await h.store.audit(of: job.id, limit: nil).contains { $0.action == .requeued && $0.actor == "Inès" })
    }
}
