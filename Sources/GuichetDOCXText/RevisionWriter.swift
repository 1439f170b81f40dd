import Foundation

extension DOCXTextDocument {
    /// Writes `corrected` (paragraph id → corrected text with the same `⟦n⟧` markers) into a
    /// copy of the package as Word tracked changes (`w:del` / `w:ins`) by `author` at `date`,
    /// so an approver accepts or rejects each change in Word or LibreOffice.
    ///
    /// - Each formatting group whose text changed is written as runs with the group's own
    ///   `w:rPr`: unchanged words as plain runs, removed words in `w:del`, added ones in `w:ins`
    ///   (word-level diff, ``WordDiff``). Groups that did not change keep their bytes.
    /// - A corrected text whose markers differ from the paragraph's (number or order) gets no
    ///   revision at all: the paragraph stays as it was and its id is in `report.flattened`.
    /// - A corrected text equal to the current one leaves the paragraph byte-identical; so do
    ///   unknown ids and paragraphs not listed.
    /// - A paragraph that already had tracked changes has them accepted first (as in
    ///   ``rewrite(_:)``; `report.trackedChangesAccepted`), then gets the new revisions.
    /// - Revision ids are above every `w:id` already in the text parts and comments.
    public func rewriteAsRevisions(_ corrected: [Int: String], author: String, date: Date) throws(DOCXTextError) -> (data: Data, report: DOCXRewriteReport) {
        var context = RevisionContext(nextID: try maxExistingID() + 1, author: XMLText.escape(author),
                                      date: RevisionContext.timestamp(date))
        var editsByPart: [Int: [ByteEdit]] = [:]
        var flattened: [Int] = []
        var accepted = false
        for (id, text) in corrected.sorted(by: { $0.key < $1.key }) where locations.indices.contains(id) {
            let (p, k) = locations[id]
            let part = parts[p]
            let model = part.paragraphs[k]
            guard text != model.markedText else { continue }
            let (segments, markers) = ParagraphRewriter.split(text)
            guard markers == Array(1..<max(1, model.groups.count)) else {
                flattened.append(id)
                continue
            }
            var edits = RevisionWriter.edits(for: model, newSegments: segments, in: part, context: &context)
            for shadow in model.shadows {
                let copy = part.shadows[shadow]
                if copy.groups.map(\.text) == model.groups.map(\.text) {
                    edits += RevisionWriter.edits(for: copy, newSegments: segments, in: part, context: &context)
                } else {
                    // A fallback copy grouped differently: plain new text, as `rewrite` does.
                    edits += ParagraphRewriter.edits(for: copy, newText: text, in: part).edits
                }
            }
            if model.hasTrackedChanges { accepted = true }
            editsByPart[p, default: []] += edits
        }
        var replacements: [String: Data] = [:]
        for (p, edits) in editsByPart where !edits.isEmpty {
            let bytes = ParagraphRewriter.apply(edits, to: parts[p].bytes)
            do { try XMLSafety.validate(bytes, part: parts[p].name) } catch {
                throw DOCXTextError(.malformedXML, "internal error, revised \(error.message)")
            }
            replacements[parts[p].name] = Data(bytes)
        }
        if let properties, hasCoreProperties, !replacements.isEmpty {
            replacements[CoreProperties.partName] = try properties.updating(try coreXML(), now: date)
        }
        let data = replacements.isEmpty ? original : try PackageRewriter.replacing(replacements, in: original)
        return (data, DOCXRewriteReport(flattened: flattened, trackedChangesAccepted: accepted))
    }

    /// The largest numeric `w:id` (any element: revisions, comments, bookmarks) in the text
    /// parts and the comments part, or 0.
    private func maxExistingID() throws(DOCXTextError) -> Int {
        var best = parts.reduce(0) { max($0, RevisionWriter.maxID(in: $1.bytes)) }
        let reader = try PackageEntries.open(original, label: "package", limits: .default)
        let others = reader.names.filter { name in
            name.hasPrefix("word/") && name.hasSuffix(".xml") && !parts.contains { $0.name == name }
                && (name.contains("comments") || name.contains("people"))
        }
        for name in others { best = max(best, RevisionWriter.maxID(in: try reader.bytes(named: name))) }
        return best
    }
}

/// Author, date and the next free revision id, shared by all paragraphs of one output.
struct RevisionContext {
    var nextID: Int
    /// Already escaped for an attribute value.
    var author: String
    var date: String

    mutating func take() -> Int {
        defer { nextID += 1 }
        return nextID
    }

    /// `date` in UTC as `2026-05-28T20:26:40Z` (ISO 8601, whole seconds), without a formatter.
    static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let year = String(repeating: "0", count: max(0, 4 - String(parts.tm_year + 1900).count)) + String(parts.tm_year + 1900)
        return "\(year)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}

/// Byte edits that write a paragraph's corrected groups as tracked changes.
enum RevisionWriter {
    /// Edits for the groups of `paragraph` whose text differs from `newSegments` (one per
    /// group, markers already checked), plus the acceptance of earlier tracked changes.
    static func edits(for paragraph: ParagraphModel, newSegments: [String], in part: TextPart,
                      context: inout RevisionContext) -> [ByteEdit] {
        var edits: [ByteEdit] = []
        if paragraph.groups.isEmpty {
            if let text = newSegments.first, !text.isEmpty {
                edits.append(insertionInEmptyParagraph(paragraph, text: text, part: part, context: &context))
            }
        }
        for (group, new) in zip(paragraph.groups, newSegments) where group.text != new {
            edits += groupEdits(group, newText: new, part: part, context: &context)
        }
        if paragraph.hasTrackedChanges, !edits.isEmpty {
            edits += paragraph.acceptEdits
        }
        return edits
    }

    /// One group rewritten: the diff's runs go where the group's first text run was; the
    /// group's other runs lose their text (whole run when it holds nothing else).
    private static func groupEdits(_ group: FormatGroup, newText: String, part: TextPart,
                                   context: inout RevisionContext) -> [ByteEdit] {
        let first = part.elements[group.slots[0].run]
        let w = prefix(of: part.elements.name(first))
        let rPr = runProperties(of: first, in: part)
        let wordNS = wordNamespaceDeclaration(w: w, part: part)
        let a = w.isEmpty ? "w:" : w  // attribute prefix
        var xml: [UInt8] = []
        for edit in WordDiff.diff(group.text, newText) {
            switch edit {
            case .same(let text):
                xml += Array("<\(w)r>".utf8) + rPr + render(text, prefix: w, textTag: "t") + Array("</\(w)r>".utf8)
            case .delete(let text), .insert(let text):
                let isDelete: Bool
                if case .delete = edit { isDelete = true } else { isDelete = false }
                let tag = w + (isDelete ? "del" : "ins")
                let open = "<\(tag)\(wordNS) \(a)id=\"\(context.take())\" \(a)author=\"\(context.author)\" \(a)date=\"\(context.date)\">"
                xml += Array(open.utf8) + Array("<\(w)r>".utf8) + rPr
                xml += render(text, prefix: w, textTag: isDelete ? "delText" : "t")
                xml += Array("</\(w)r></\(tag)>".utf8)
            }
        }
        var edits: [ByteEdit] = []
        for (s, slot) in group.slots.enumerated() {
            let run = part.elements[slot.run]
            let others = part.elements.children(run).filter { !slot.items.contains($0) && part.elements[$0].nameID != part.runPropertiesID }
            if others.isEmpty {
                // Only properties and text: the whole run is replaced.
                edits.append(ByteEdit(range: run.start..<run.end, bytes: s == 0 ? xml : []))
                continue
            }
            for item in slot.items {
                let element = part.elements[item]
                edits.append(ByteEdit(range: element.start..<element.end, bytes: []))
            }
            if s == 0 {
                // The run also holds a drawing, a field character, a page break...: it stays,
                // and the new runs go before it when its text came first, after it otherwise.
                let textFirst = slot.items.min()! < others.min()!
                let at = textFirst ? run.start : run.end
                edits.append(ByteEdit(range: at..<at, bytes: xml))
            }
        }
        return edits
    }

    /// An empty paragraph that receives text: one inserted run at its end.
    private static func insertionInEmptyParagraph(_ paragraph: ParagraphModel, text: String, part: TextPart,
                                                  context: inout RevisionContext) -> ByteEdit {
        let p = part.elements[paragraph.element]
        let name = part.elements.name(p)
        let w = prefix(of: name)
        let a = w.isEmpty ? "w:" : w
        let open = "<\(w)ins\(wordNamespaceDeclaration(w: w, part: part)) \(a)id=\"\(context.take())\" \(a)author=\"\(context.author)\" \(a)date=\"\(context.date)\">"
        let ins = Array(open.utf8) + Array("<\(w)r>".utf8) + render(text, prefix: w, textTag: "t") + Array("</\(w)r></\(w)ins>".utf8)
        if p.isSelfClosing {
            let start = Array("<\(name)".utf8) + Array(part.bytes[p.attributeRange]) + Array(">".utf8)
            return ByteEdit(range: p.start..<p.end, bytes: start + ins + Array("</\(name)>".utf8))
        }
        return ByteEdit(range: p.contentEnd..<p.contentEnd, bytes: ins)
    }

    /// The run's `w:rPr` bytes without tracked formatting changes (`w:rPrChange`), or nothing.
    static func runProperties(of run: XMLElementSpan, in part: TextPart) -> [UInt8] {
        guard let index = part.elements.children(run).first(where: { part.elements[$0].nameID == part.runPropertiesID }) else { return [] }
        let rPr = part.elements[index]
        var bytes = Array(part.bytes[rPr.start..<rPr.end])
        for change in Array(part.elements.children(rPr)).reversed() where part.elements[change].nameID == part.runPropertiesChangeID {
            let e = part.elements[change]
            bytes.removeSubrange((e.start - rPr.start)..<(e.end - rPr.start))
        }
        return bytes
    }

    /// When WordprocessingML is the part's default namespace, revision attributes still need
    /// a prefix: the element declares `w` itself.
    private static func wordNamespaceDeclaration(w: String, part: TextPart) -> String {
        guard w.isEmpty else { return "" }
        let root = XMLScanner.attributes(of: part.elements[0], in: part.bytes)
        let uri = root["xmlns"].flatMap { Namespaces.word.contains($0) ? $0 : nil } ?? Namespaces.word[0]
        return " xmlns:w=\"\(uri)\""
    }

    private static func prefix(of qualifiedName: String) -> String {
        guard let colon = qualifiedName.firstIndex(of: ":") else { return "" }
        return String(qualifiedName[...colon])
    }

    /// Text items, with the same mapping as ``ParagraphRewriter/render(_:prefix:textTag:)``.
    static func render(_ text: String, prefix w: String, textTag: String) -> [UInt8] {
        ParagraphRewriter.render(text, prefix: w, textTag: textTag)
    }

    /// Largest decimal value of an `…:id="n"` or ` id="n"` attribute in `bytes`, or 0.
    static func maxID(in bytes: [UInt8]) -> Int {
        let pattern = Array("id=\"".utf8)
        var best = 0
        var i = 1
        let n = bytes.count
        while i + pattern.count < n {
            if bytes[i] == pattern[0], bytes[i + 1] == pattern[1], bytes[i + 2] == pattern[2], bytes[i + 3] == pattern[3],
               bytes[i - 1] == UInt8(ascii: ":") || bytes[i - 1] == UInt8(ascii: " ") || bytes[i - 1] == UInt8(ascii: "\t")
                || bytes[i - 1] == UInt8(ascii: "\n") || bytes[i - 1] == UInt8(ascii: "\r") {
                var k = i + 4
                var value = 0
                var digits = 0
                while k < n, bytes[k] >= 0x30, bytes[k] <= 0x39, digits < 15 {
                    value = value * 10 + Int(bytes[k] - 0x30)
                    digits += 1
                    k += 1
                }
                if digits > 0, k < n, bytes[k] == UInt8(ascii: "\"") { best = max(best, value) }
                i = k
                continue
            }
            i += 1
        }
        return best
    }
}
