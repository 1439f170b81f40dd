import Foundation
import GuichetCore
import GuichetPipelines
import GuichetTestSupport
import Testing

/// Proofreading delivers corrections: CriticMarkup next to the clean text, a list for review,
/// and a guard against a model that rewrites instead of correcting.
@Suite(.serialized) struct ProofreadPipelineTests {
    static let text = """
        # Sortie scolaire

        Les enfant sont aller a l'école hier matin avec leur parant.

        Le repas sera servi a midi : merci de prévenir la cantine.

        ```
        code: inchangé
        ```
        """

    @Test func correctionsComeAsCriticMarkupAndAListForReview() async throws {
        let h = try PipelineHarness(behavior: { r in
            let t = (r.lastUserMessage ?? "")
                .replacingOccurrences(of: "Les enfant sont aller a l'école", with: "Les enfants sont allés à l’école")
                .replacingOccurrences(of: "leur parant", with: "leurs parents")
                .replacingOccurrences(of: "servi a midi :", with: "servi à midi\u{202F}:")
            return .chat(content: t)
        })
        let job = try await h.claim("sortie.md", Self.text, folder: "proofread")
        guard case .awaitingReview(let done) = await h.runner().run(job) else { Issue.record("not done"); return }
        let clean = try h.result(done)
        #expect(done.resultPath?.hasSuffix("sortie.corrige.md") == true)
        #expect(clean.contains("Les enfants sont allés à l’école hier matin avec leurs parents."))
        let critic = try String(contentsOf: try h.layout.stateFile(done.resultPath!).deletingLastPathComponent()
            .appendingPathComponent("sortie.corrige.critic.md"), encoding: .utf8)
        #expect(critic.contains("Les {~~enfant~>enfants~~} sont {~~aller~>allés~~} {~~a~>à~~} l{~~'~>’~~}école hier matin avec {~~leur~>leurs~~} {~~parant~>parents~~}."))
        #expect(critic.contains("servi {~~a~>à~~} midi{~~ ~>\u{202F}~~}: merci"), "a typographic space is a correction too")
        #expect(critic.contains("```\ncode: inchangé\n```"), "code blocks untouched")
        #expect(!critic.contains("{~~#"), "heading markers untouched")
        let corrections = Correction.stored(inJobDir: h.layout.jobDir(job.id))
        #expect(corrections.count == 8)
        #expect(corrections.contains { $0.before == "enfant" && $0.after == "enfants" && $0.context.contains("sont aller") })
        #expect(done.flags.first == "\(corrections.count) correction(s).")
    }

    @Test func aModelThatRewritesIsCaught() async throws {
        let h = try PipelineHarness(behavior: { r in
            let t = r.lastUserMessage ?? ""
            return .chat(content: t.replacingOccurrences(of: "Le repas sera servi a midi : merci de prévenir la cantine.",
                                                         with: "Pensez à informer la restauration collective pour le déjeuner."))
        })
        let job = try await h.claim("sortie.md", Self.text, folder: "proofread")
        guard case .awaitingReview(let done) = await h.runner().run(job) else { Issue.record("not done"); return }
        #expect(try h.result(done).contains("Le repas sera servi a midi : merci de prévenir la cantine."), "the original is kept")
        #expect(done.flags.contains { $0.contains("réécrit au lieu de corriger") })
    }

    @Test func aTextWithoutErrorsHasNoRevisionAtAll() async throws {
        let h = try PipelineHarness()  // echo: the model changes nothing
        let job = try await h.claim("propre.txt", "Tout est correct.\n\nRien à signaler.\n", folder: "proofread")
        guard case .awaitingReview(let done) = await h.runner().run(job) else { Issue.record("not done"); return }
        let critic = try String(contentsOf: try h.layout.stateFile(done.resultPath!).deletingLastPathComponent()
            .appendingPathComponent("propre.corrige.critic.txt"), encoding: .utf8)
        #expect(critic == "Tout est correct.\n\nRien à signaler.\n")
        #expect(done.flags.first == "0 correction(s).")
    }
}
