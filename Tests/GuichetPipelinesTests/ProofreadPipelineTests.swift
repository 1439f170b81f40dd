import Foundation
import GuichetCore
import GuichetJobs
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

    /// An approver corrects the corrected text before approving: the CriticMarkup copy that
    /// will be published is rebuilt, and shows every change from the source to the approved
    /// text, the machine's and the approver's; accepting them all gives the approved text.
    @Test func anEditedResultGetsItsCriticMarkupRebuilt() async throws {
        let h = try PipelineHarness(behavior: { r in
            .chat(content: (r.lastUserMessage ?? "").replacingOccurrences(of: "Les enfant sont aller", with: "Les enfants sont allés"))
        })
        let job = try await h.claim("sortie.md", Self.text, folder: "proofread")
        guard case .awaitingReview(let done) = await h.runner().run(job) else { Issue.record("not done"); return }
        let dir = try h.layout.stateFile(done.resultPath!).deletingLastPathComponent()
        let edited = try h.result(done).replacingOccurrences(of: "Le repas sera servi a midi", with: "Le déjeuner sera servi à midi")
        let desk = ReviewDesk(configuration: h.configuration, layout: h.layout, store: h.store, logger: h.logger)
        let others = desk.resultFiles(of: done).dropFirst()
        var files = try EditedResultDeriver(configuration: h.configuration, layout: h.layout)
            .derivedFiles(job: done, editedName: "sortie.corrige.md", text: edited, otherFiles: Array(others))
        files["sortie.corrige.md"] = Data(edited.utf8)
        _ = try await desk.replaceResult(done.id, by: "Marie", files: files, note: "test")
        let critic = try String(contentsOf: dir.appendingPathComponent("sortie.corrige.critic.md"), encoding: .utf8)
        #expect(critic.contains("Les {~~enfant~>enfants~~} sont {~~aller~>allés~~}"), "the machine's corrections")
        #expect(critic.contains("Le {~~repas~>déjeuner~~} sera servi {~~a~>à~~} midi"), "the approver's")
        #expect(Self.acceptAll(critic) == edited)
        // The machine's own version is kept aside.
        let machine = try String(contentsOf: h.layout.jobDir(done.id).appendingPathComponent("machine/sortie.corrige.critic.md"), encoding: .utf8)
        #expect(!machine.contains("déjeuner"))
    }

    /// The text once every CriticMarkup change is accepted.
    static func acceptAll(_ s: String) -> String {
        var out = s
        for (pattern, template) in [(#"\{~~(.*?)~>(.*?)~~\}"#, "$2"), (#"\{\+\+(.*?)\+\+\}"#, "$1"), (#"\{--(.*?)--\}"#, "")] {
            out = out.replacingOccurrences(of: pattern, with: template, options: .regularExpression)
        }
        return out
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
