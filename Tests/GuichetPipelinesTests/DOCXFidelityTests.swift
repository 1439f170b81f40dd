import Foundation
import GuichetCore
import GuichetPipelines
import GuichetTestSupport
import Testing

/// Every corpus DOCX through the translate pipeline, checked with Python's zipfile and
/// python-docx (readers that are not ours): a model that changes nothing gives back every entry
/// byte for byte; a model that upper-cases gives a file python-docx opens, with the same
/// paragraphs (read with tracked changes accepted, as Guichet works on them), tables and images.
@Suite(.serialized, .enabled(if: ReferencePython.path != nil, "no .venv with python-docx (make test installs it)"))
struct DOCXFidelityTests {
    static var python: String? { ReferencePython.path }
}

/// The project venv's Python, which has python-docx.
enum ReferencePython {
    static var path: String? {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        for _ in 0..<4 {
            let p = dir.appendingPathComponent(".venv/bin/python").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
            dir.deleteLastPathComponent()
        }
        return ProcessInfo.processInfo.environment["GUICHET_REQUIRE_MODEL"] == "1" ? "/missing/.venv/bin/python" : nil
    }
}

extension DOCXFidelityTests {

    static let files = [
        "cdtn__reclamation_des_heures_sup.docx", "cdtn__signalement_harcelement_sexuel.docx",
        "d2p__240-DOP-1013A_Lay_Down_Tubulars.docx", "d2p__libreoffice_conversion.docx",
        "d2p__test_file_with_comments.docx", "docx4j__Docx4j_GettingStarted.docx", "nwe__bigfile-01.docx",
        "nwe__test07.docx", "nwe__test16.docx", "pandoc__table_captions_with_field.docx",
    ]

    /// Python: compares two DOCX files; prints a JSON summary.
    static let script = """
        import json, sys, zipfile, docx
        a, b = zipfile.ZipFile(sys.argv[1]), zipfile.ZipFile(sys.argv[2])
        same = [n for n in a.namelist() if n in b.namelist() and a.read(n) == b.read(n)]
        from docx.oxml.ns import qn
        def mark_deleted(p):
            ppr = p._p.pPr
            rpr = ppr.find(qn("w:rPr")) if ppr is not None else None
            return rpr is not None and rpr.find(qn("w:del")) is not None
        def shape(path):
            # Paragraphs as they read with tracked changes accepted: a paragraph whose mark is
            # deleted joins the next one, which keeps its own style (as Word does).
            d = docx.Document(path)
            styles, texts, pending = [], [], ""
            for p in d.paragraphs:
                if mark_deleted(p):
                    pending += p.text
                    continue
                styles.append(p.style.name)
                texts.append(pending + p.text)
                pending = ""
            return {"paragraphs": len(styles), "tables": len(d.tables),
                    "images": len(d.inline_shapes), "styles": styles, "text": texts}
        print(json.dumps({"names_a": a.namelist(), "names_b": b.namelist(), "same": same,
                          "a": shape(sys.argv[1]), "b": shape(sys.argv[2])}))
        """

    func compare(_ a: URL, _ b: URL) throws -> [String: Any] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.python!)
        p.arguments = ["-c", Self.script, a.path, b.path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "python-docx could not open \(b.lastPathComponent)")
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    @Test(arguments: files)
    func unchangedTextGivesBackEveryEntryByteForByte(_ name: String) async throws {
        let h = try PipelineHarness()  // echo: the model changes nothing
        let source = try PipelineHarness.corpus(name)
        let job = try await h.claim(name, source)
        guard case .awaitingReview(let done) = await h.runner().run(job) else { Issue.record("not done"); return }
        let input = h.root.appendingPathComponent("input.docx")
        try source.write(to: input)
        let r = try compare(input, try h.layout.stateFile(done.resultPath!))
        let names = r["names_a"] as? [String] ?? []
        #expect(!names.isEmpty)
        #expect(names == (r["names_b"] as? [String]), "same entries in the same order")
        #expect(Set(r["same"] as? [String] ?? []) == Set(names), "every entry byte-identical")
    }

    @Test(arguments: files)
    func upperCasingChangesOnlyTheText(_ name: String) async throws {
        let h = try PipelineHarness(behavior: upperCase) { $0.chunking.maxTokens = 2000; $0.llm.maxConcurrentRequests = 4 }
        let source = try PipelineHarness.corpus(name)
        let job = try await h.claim(name, source)
        guard case .awaitingReview(let done) = await h.runner().run(job) else { Issue.record("not done"); return }
        let input = h.root.appendingPathComponent("input.docx")
        try source.write(to: input)
        let r = try compare(input, try h.layout.stateFile(done.resultPath!))
        let a = r["a"] as? [String: Any] ?? [:], b = r["b"] as? [String: Any] ?? [:]
        for key in ["paragraphs", "tables", "images"] { #expect(a[key] as? Int == b[key] as? Int, "\(key)") }
        #expect(a["styles"] as? [String] == b["styles"] as? [String], "paragraph styles unchanged")
        let before = a["text"] as? [String] ?? [], after = b["text"] as? [String] ?? []
        // Body paragraphs python-docx sees: upper-cased, unless the reviewer was told otherwise.
        let changed = zip(before, after).filter { $0 != $1 }
        // Bare URLs are protected from the model, so they keep their case.
        func masked(_ s: String) -> String { s.replacingOccurrences(of: #"(https?://|www\.)[^\s)]+"#, with: "⟨URL⟩", options: .regularExpression) }
        let odd = changed.filter { masked($1) != masked($0).uppercased() }
        #expect(odd.isEmpty || !done.flags.isEmpty, "only the case of the text changed: \(odd.prefix(3))")
        #expect(before.contains { $0.uppercased() != $0 } ? !changed.isEmpty : true)
    }
}
