import Foundation
import GuichetCore
import GuichetDOCX
import GuichetDOCXText
import GuichetDocumentModel
import Testing

/// The bundled model, really: the daemon starts and supervises it, two documents go from the
/// drop folder to `Output/` after approval. Checks are loose (language, structure, code kept)
/// because a small model's wording is not exactly repeatable.
@Suite(.serialized, .enabled(if: RealModel.shouldRun, "bundled model not installed (make test installs it)"))
struct RealModelEndToEndTests {
    @Test(.timeLimit(.minutes(20)))
    func frenchAndEnglishDocumentsAreTranslatedAndPublished() async throws {
        let h = try RealModel.harness(llm: "max_concurrent_requests = 2\nrequest_timeout = 900")
        let french = try corpus("albert__markdown.md")
        let english = try pandocExcerpt()
        try h.startDaemon()
        defer { h.stopDaemon() }
        try await h.wait("drop folders", timeout: 60) { FileManager.default.fileExists(atPath: h.watch.appendingPathComponent("translate").path) }
        try await Task.sleep(for: .milliseconds(300))
        _ = try h.drop("recette.md", Data(french.utf8), folder: "translate", sub: ["en"])
        _ = try h.drop("pandoc.md", Data(english.utf8), folder: "translate")
        try await h.wait("both awaiting review", timeout: 1100) {
            let failed = try await h.jobs(.failed)
            if !failed.isEmpty { throw GuichetError(.internalError, "failed: \(failed.map { $0.failureReason ?? "" })") }
            return try await h.jobs(.awaitingReview).count == 2
        }
        for job in try await h.jobs(.awaitingReview) {
            let r = try h.cli(["review", "approve", job.id.rawValue, "--by", "test"])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let en = try String(contentsOf: h.output.appendingPathComponent("translate/recette.en.md"), encoding: .utf8)
        let fr = try String(contentsOf: h.output.appendingPathComponent("translate/pandoc.fr.md"), encoding: .utf8)

        #expect(Lang.score(en, Lang.english) > Lang.score(en, Lang.french), "recette.en.md reads as English:\n\(en)")
        #expect(Lang.score(fr, Lang.french) > Lang.score(fr, Lang.english), "pandoc.fr.md reads as French:\n\(fr)")
        #expect(headings(en).count == headings(french).count)
        #expect(headings(fr).count == headings(english).count)
        // Image paths and code are never sent to the model, so they are byte-identical.
        for url in linkTargets(french) { #expect(en.contains(url)) }
        for line in english.split(separator: "\n") where line.hasPrefix("    pandoc") { #expect(fr.contains(line)) }
        let job = try #require(try await h.jobs(.approved).first)
        #expect(job.promptTokens > 0 && job.completionTokens > 0)
    }

    @Test(.timeLimit(.minutes(15)))
    func aFrenchPDFReportGetsASWOTWhoseVerifiedQuotesAreInThePDF() async throws {
        let h = try RealModel.harness(llm: "model = \"qwen2.5-coder-1.5b-instruct\"\nrequest_timeout = 900")
        let pdf = DaemonHarness.repoRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus/plumber__2023-06-20-PV.pdf")
        try h.startDaemon()
        defer { h.stopDaemon() }
        try await h.wait("drop folders", timeout: 60) { FileManager.default.fileExists(atPath: h.watch.appendingPathComponent("swot").path) }
        try await Task.sleep(for: .milliseconds(300))
        _ = try h.drop("pv.pdf", try Data(contentsOf: pdf), folder: "swot")
        try await h.wait("awaiting review", timeout: 850) {
            if let f = try await h.jobs(.failed).first { throw GuichetError(.internalError, "failed: \(f.failureReason ?? "")") }
            return try await h.jobs(.awaitingReview).count == 1
        }
        let job = try #require(try await h.jobs(.awaitingReview).first)
        #expect(job.model == "qwen2.5-coder-1.5b-instruct", "the bundled server reports the configured model name")
        #expect(try h.cli(["review", "approve", job.id.rawValue, "--by", "test"]).status == 0)
        let md = try String(contentsOf: h.output.appendingPathComponent("swot/pv.swot.md"), encoding: .utf8)
        for quadrant in ["## Forces", "## Faiblesses", "## Opportunités", "## Menaces"] { #expect(md.contains(quadrant)) }
        // The DOCX opens (it is a zip whose document part names the four quadrants).
        let docx = h.output.appendingPathComponent("swot/pv.swot.docx")
        let unzip = Process()
        unzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        unzip.arguments = ["python3", "-c", "import sys,zipfile;print(zipfile.ZipFile(sys.argv[1]).read('word/document.xml').decode())", docx.path]
        let out = Pipe()
        unzip.standardOutput = out
        try unzip.run()
        let xml = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        unzip.waitUntilExit()
        for quadrant in ["Forces", "Faiblesses", "Opportunités", "Menaces"] { #expect(xml.contains(quadrant)) }
        // Every citation marked verified really is in the PDF, checked independently with
        // pdftotext on letters and digits only (immune to line breaks and hyphenation).
        let text = Self.letters(try pdftotext(pdf))
        let verified = md.split(separator: "\n").filter { $0.contains("✓") }
        for line in verified {
            guard let open = line.range(of: "« "), let close = line.range(of: " »", range: open.upperBound..<line.endIndex) else { continue }
            let quote = String(line[open.upperBound..<close.lowerBound])
            #expect(text.contains(Self.letters(quote)), "verified quote not in the PDF: \(quote)")
        }
    }

    @Test(.timeLimit(.minutes(10)))
    func plantedFrenchErrorsComeBackAsCorrections() async throws {
        let h = try RealModel.harness(llm: "request_timeout = 600")
        try h.startDaemon()
        defer { h.stopDaemon() }
        try await h.wait("drop folders", timeout: 60) { FileManager.default.fileExists(atPath: h.watch.appendingPathComponent("proofread").path) }
        try await Task.sleep(for: .milliseconds(300))
        let text = "Les enfant sont aller a l'école hier matin avec leur parant.\n"
        _ = try h.drop("mot.txt", Data(text.utf8), folder: "proofread")
        try await h.wait("awaiting review", timeout: 550) {
            if let f = try await h.jobs(.failed).first { throw GuichetError(.internalError, "failed: \(f.failureReason ?? "")") }
            return try await h.jobs(.awaitingReview).count == 1
        }
        let job = try #require(try await h.jobs(.awaitingReview).first)
        let show = try h.cli(["review", "show", job.id.rawValue, "--json"])
        let item = try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any]
        let corrections = item?["corrections"] as? [[String: Any]] ?? []
        #expect(!corrections.isEmpty, "the model corrected at least one planted error: \(show.stdout)")
        #expect(try h.cli(["review", "approve", job.id.rawValue, "--by", "test"]).status == 0)
        let clean = try String(contentsOf: h.output.appendingPathComponent("proofread/mot.corrige.txt"), encoding: .utf8)
        let critic = try String(contentsOf: h.output.appendingPathComponent("proofread/mot.corrige.critic.txt"), encoding: .utf8)
        #expect(critic.contains("{~~") || critic.contains("{++") || critic.contains("{--"))
        // Accepting every CriticMarkup change gives the clean text.
        #expect(Self.acceptAll(critic) == clean)
        #expect(clean != text)
        #expect(clean.contains("école") && clean.contains("matin"), "still the same French sentence: \(clean)")
    }

    @Test(.timeLimit(.minutes(10)))
    func aWordDocumentWithPlantedErrorsComesBackWithTrackedChanges() async throws {
        let h = try RealModel.harness(llm: "request_timeout = 600")
        // A small DOCX written with Guichet's own writer, errors planted.
        let source = h.root.appendingPathComponent("lettre.docx")
        try DOCXWriter.write(StructuredDocument(blocks: [
            .heading(level: 1, text: "Sortie scolaire", page: nil),
            .paragraph(text: "Les enfant sont aller a l'école hier matin avec leur parant.", page: nil),
        ]), to: source, properties: DOCXProperties())
        try h.startDaemon()
        defer { h.stopDaemon() }
        try await h.wait("drop folders", timeout: 60) { FileManager.default.fileExists(atPath: h.watch.appendingPathComponent("proofread").path) }
        try await Task.sleep(for: .milliseconds(300))
        _ = try h.drop("lettre.docx", try Data(contentsOf: source), folder: "proofread")
        try await h.wait("awaiting review", timeout: 550) {
            if let f = try await h.jobs(.failed).first { throw GuichetError(.internalError, "failed: \(f.failureReason ?? "")") }
            return try await h.jobs(.awaitingReview).count == 1
        }
        let job = try #require(try await h.jobs(.awaitingReview).first)
        #expect(try h.cli(["review", "approve", job.id.rawValue, "--by", "test"]).status == 0)
        let out = h.output.appendingPathComponent("proofread/lettre.corrige.docx")
        let xml = String(decoding: try ZipReader(url: out).data(named: "word/document.xml"), as: UTF8.self)
        #expect(xml.contains("<w:ins ") || xml.contains("<w:del "), "at least one tracked change")
        // Accepting all (our reader accepts tracked changes) gives readable French text.
        let accepted = try DOCXTextDocument.load(url: out).paragraphs.map(\.text).joined(separator: "\n")
        #expect(accepted.contains("école") && accepted.contains("matin"), "\(accepted)")
    }

    /// Accepts every CriticMarkup change, read independently of the code that wrote them.
    static func acceptAll(_ s: String) -> String {
        var out = s
        while let r = out.range(of: #"\{~~(.*?)~>(.*?)~~\}"#, options: .regularExpression) {
            let inner = String(out[r].dropFirst(3).dropLast(3))
            let parts = inner.components(separatedBy: "~>")
            out.replaceSubrange(r, with: parts.count == 2 ? parts[1] : inner)
        }
        out = out.replacingOccurrences(of: #"\{--(.*?)--\}"#, with: "", options: .regularExpression)
        out = out.replacingOccurrences(of: #"\{\+\+(.*?)\+\+\}"#, with: "$1", options: .regularExpression)
        return out
    }

    static func letters(_ s: String) -> String {
        String(s.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }

    func pdftotext(_ pdf: URL) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
        p.arguments = ["-enc", "UTF-8", pdf.path, "-"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    func headings(_ s: String) -> [Substring] {
        s.split(separator: "\n").filter { $0.hasPrefix("#") }.map { $0.prefix(while: { $0 == "#" }) }
    }

    func linkTargets(_ s: String) -> [String] {
        var out: [String] = []
        var rest = s[...]
        while let r = rest.range(of: "](") {
            let after = rest[r.upperBound...]
            guard let close = after.firstIndex(of: ")") else { break }
            out.append(String(after[..<close]))
            rest = after[close...]
        }
        return out
    }

    func corpus(_ name: String) throws -> String {
        let url = DaemonHarness.repoRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus/\(name)")
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// "Using pandoc" from pandoc's manual: headings, paragraphs, indented code.
    func pandocExcerpt() throws -> String {
        let lines = try corpus("pandoc__MANUAL.md").split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(of: "## Using pandoc"), let end = lines.firstIndex(of: "## Specifying formats") else {
            throw GuichetError(.notFound, "excerpt markers not found in pandoc's manual")
        }
        return lines[start..<end].joined(separator: "\n")
    }
}

enum RealModel {
    /// A sandbox whose daemon starts the bundled model on a free port; `llm` adds [llm] keys.
    static func harness(llm: String) throws -> DaemonHarness {
        let root = DaemonHarness.repoRoot
        let port = 18000 + Int.random(in: 0..<1000)
        return try DaemonHarness(toml: """
            [llm]
            backend = "bundled"
            url = "http://127.0.0.1:\(port)/v1"
            \(llm)
            [llm.bundled]
            python = "\(root.appendingPathComponent(".venv/bin/python").path)"
            script = "\(root.appendingPathComponent("scripts/serve_model.py").path)"
            model_path = "\(path)"
            port = \(port)
            threads = 1
            parallel = 2
            context_size = 8192
            """)
    }

    static var path: String {
        DaemonHarness.repoRoot.appendingPathComponent(".venv/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf").path
    }
    /// `make test` sets GUICHET_REQUIRE_MODEL=1: then a missing model is a failure, not a skip.
    static var shouldRun: Bool {
        ProcessInfo.processInfo.environment["GUICHET_REQUIRE_MODEL"] == "1" || FileManager.default.fileExists(atPath: path)
    }
}

enum Lang {
    static let french: Set<String> = ["le", "la", "les", "des", "est", "et", "une", "du", "pour", "dans", "que", "avec", "vous", "sur", "au", "en", "un", "de"]
    static let english: Set<String> = ["the", "and", "is", "of", "to", "with", "for", "in", "that", "you", "a", "an", "on", "it", "by", "or", "as"]

    static func score(_ s: String, _ words: Set<String>) -> Int {
        s.lowercased().split(whereSeparator: { !$0.isLetter }).filter { words.contains(String($0)) }.count
    }
}
