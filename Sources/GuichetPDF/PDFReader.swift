import CPoppler
import Dispatch
import Foundation
import GuichetDocumentModel

/// Reads a PDF into a ``StructuredDocument`` (headings, paragraphs, lists, tables, code), with
/// the text in reading order and running headers/footers removed.
public enum PDFReader {
    /// Result of the analysis, with what was dropped (for diagnostics and tests).
    struct Analysis {
        var document: StructuredDocument
        /// Texts removed as running headers, footers or page numbers, and table header rows
        /// repeated on the page where a table goes on.
        var removedRunningText: [String]
    }

    /// Reads `url` synchronously. Blocking (poppler does the parsing): call it off Swift's
    /// cooperative pool, or use ``readAsync(url:options:)``.
    public static func read(url: URL, options: PDFReaderOptions = PDFReaderOptions()) throws(PDFError) -> StructuredDocument {
        try analyze(url: url, options: options).document
    }

    /// Same as ``read(url:options:)`` on a Dispatch queue, so the cooperative pool stays free.
    public static func readAsync(url: URL, options: PDFReaderOptions = PDFReaderOptions()) async throws(PDFError) -> StructuredDocument {
        let result = await withCheckedContinuation { (c: CheckedContinuation<Result<StructuredDocument, PDFError>, Never>) in
            DispatchQueue.global(qos: .utility).async {
                do throws(PDFError) { c.resume(returning: .success(try read(url: url, options: options))) } catch {
                    c.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    /// Poppler's raw text, one string per page (what `pdftotext` prints), for tests and diagnostics.
    public static func plainText(url: URL, options: PDFReaderOptions = PDFReaderOptions()) throws(PDFError) -> [String] {
        let doc = try open(url: url, options: options)
        return (0..<doc.pageCount).map { doc.page($0)?.text ?? "" }
    }

    /// Checks the file before poppler sees it (empty, not a PDF), opens it and checks pages.
    static func open(url: URL, options: PDFReaderOptions) throws(PDFError) -> PopplerDocument {
        let name = url.lastPathComponent
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw PDFError(.damaged, message: "cannot read \(url.path)", fileName: name)
        }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        if size == 0 { throw PDFError(.emptyFile, message: "0-byte file", fileName: name) }
        try? handle.seek(toOffset: 0)
        let head = (try? handle.read(upToCount: 1024)) ?? Data()
        // The spec allows junk before the header; readers accept it within the first 1 KB.
        guard head.range(of: Data("%PDF-".utf8)) != nil else {
            throw PDFError(.notAPDF, message: "no %PDF- header in the first 1024 bytes", fileName: name)
        }
        try? handle.seek(toOffset: size > 2048 ? size - 2048 : 0)
        let tail = (try? handle.readToEnd()) ?? Data()
        let hasEOF = tail.range(of: Data("%%EOF".utf8)) != nil
        let doc = try PopplerDocument(url: url, password: options.password, fileName: name)
        let pages = doc.pageCount
        if pages == 0 {
            // Poppler rebuilds a truncated file's xref but loses its page tree: that is damage,
            // not an empty document.
            if !hasEOF { throw PDFError(.damaged, message: "truncated file (no %%EOF) without readable pages", fileName: name) }
            throw PDFError(.noPages, message: "document has no pages", fileName: name)
        }
        if pages > options.maxPages {
            throw PDFError(.tooManyPages, message: "\(pages) pages, limit is \(options.maxPages)", fileName: name, limit: options.maxPages)
        }
        return doc
    }

    static func analyze(url: URL, options: PDFReaderOptions) throws(PDFError) -> Analysis {
        let doc = try open(url: url, options: options)
        let pageCount = doc.pageCount
        let name = url.lastPathComponent, password = options.password
        let pages = PageReader.read(document: doc, workers: options.readerThreads ?? PageReader.workerCount(pages: pageCount)) {
            try? PopplerDocument(url: url, password: password, fileName: name)
        }
        var segments: [[Segment]] = []
        var heights: [Double] = []
        var emptyPages = 0
        var totalChars = 0
        var rawWords = Set<String>()  // normalised once per distinct word, after the loop
        segments.reserveCapacity(pageCount)
        for page in pages {
            guard let page else { segments.append([]); heights.append(1); emptyPages += 1; continue }
            totalChars += page.characters
            if page.characters < 10 { emptyPages += 1 }
            rawWords.formUnion(page.words)
            segments.append(page.segments)
            heights.append(page.height)
        }
        // A scan has images and no (or almost no) text: say it needs OCR instead of returning nothing.
        if totalChars == 0 || (Double(emptyPages) >= 0.9 * Double(pageCount) && totalChars < 20 * pageCount) {
            throw PDFError(.noTextLayer, message: "no text layer (\(totalChars) characters on \(pageCount) pages)",
                           fileName: url.lastPathComponent)
        }
        let removed = pageCount > 1 ? RunningTextFilter.apply(pages: &segments, heights: heights) : []
        var lines: [Line] = []
        for (p, segs) in segments.enumerated() {
            lines += PageLayout.lines(segments: segs, page: p + 1).map(mergeLeadingMarker)
        }
        var vocabulary = Set<String>(minimumCapacity: rawWords.count)
        for w in rawWords { vocabulary.insert(Dehyphenator.normalise(w)) }
        let joiner = Dehyphenator(vocabulary: vocabulary)
        let (blocks, repeatedHeaders) = BlockBuilder.mergeTablesAcrossPages(BlockBuilder(lines: lines, joiner: joiner).build(lines))
        var title = doc.title
        if title == nil, case let .heading(_, text, _)? = blocks.first(where: { if case .heading = $0 { return true }; return false }) {
            title = text
        }
        let document = StructuredDocument(title: title, language: guessLanguage(lines), blocks: blocks)
        return Analysis(document: document, removedRunningText: removed + repeatedHeaders)
    }

    /// "•<tab>text" and "2.5<tab>Title" are one line, not two table cells.
    static func mergeLeadingMarker(_ line: Line) -> Line {
        guard line.segments.count >= 2 else { return line }
        let t = line.segments[0].text
        let numbering = !t.isEmpty && t.count <= 12 && t.allSatisfy { $0.isASCIIDigit || $0 == "." } && t.first!.isASCIIDigit
        guard numbering || BlockBuilder.listMarker(t + " x") != nil else { return line }
        var l = line
        let second = l.segments.remove(at: 1)
        l.segments[0].words += second.words
        return l
    }

    /// French or English from common function words; nil when unsure.
    static func guessLanguage(_ lines: [Line]) -> String? {
        let fr: Set<String> = ["le", "la", "les", "des", "et", "du", "une", "est", "pour", "dans", "que", "au"]
        let en: Set<String> = ["the", "and", "of", "to", "is", "in", "for", "that", "with", "on", "are", "by"]
        var f = 0, e = 0
        for l in lines.prefix(400) { for w in l.words { let k = w.text.lowercased(); if fr.contains(k) { f += 1 } else if en.contains(k) { e += 1 } } }
        if f > 20 && f > 2 * e { return "fr" }
        if e > 20 && e > 2 * f { return "en" }
        return nil
    }
}

extension PDFReader {
    /// Debug dump of the lines of one page (geometry), for tuning heuristics.
    static func debugLines(url: URL, page: Int) -> [String] {
        guard let doc = try? open(url: url, options: PDFReaderOptions()), let p = doc.page(page - 1) else { return [] }
        let words = PageLayout.words(from: p.glyphs())
        let g = PageLayout.gutters(words: words, pageWidth: p.size.width)
        let lines = PageLayout.lines(segments: PageLayout.segments(words: words, gutters: g), page: page)
        return ["gutters \(g.map { "\(Int($0.x.lowerBound))-\(Int($0.x.upperBound)) y\(Int($0.y.lowerBound))-\(Int($0.y.upperBound))" })"] + lines.map { l in
            "c\(l.column) y\(Int(l.y1))-\(Int(l.y2)) s\(l.size) b\(l.bold) m\(l.mono) " + l.segments.map { "[\(Int($0.x1))-\(Int($0.x2)) \($0.text)]" }.joined(separator: " ")
        }
    }
}
