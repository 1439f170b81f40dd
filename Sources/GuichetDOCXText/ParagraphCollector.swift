import Foundation

/// Walks a scanned part once and builds a ``ParagraphModel`` per `w:p`: which runs are visible
/// text (tracked deletions, field codes and `mc:Fallback` copies are not), how they group by
/// formatting, and what accepting the tracked changes would delete.
final class ParagraphCollector {
    private let bytes: [UInt8]
    private let elements: XMLTree
    private let n: Names
    private(set) var primary: [ParagraphModel] = []
    private(set) var shadows: [ParagraphModel] = []

    /// Name ids of the qualified names, resolved once for the part's prefixes (-1 when the part
    /// has no such element).
    private struct Names {
        let p, r, rPr, pPr, t, tab, br, cr, fldChar, instrText, delText, ins, del, moveFrom, moveTo,
            rPrChange, pPrChange, txbxContent: Int32
        let alternateContent, choice, fallback: Int32
        init(w: String, mc: String, tree: XMLTree) {
            func id(_ name: String) -> Int32 { tree.nameID(name) }
            p = id(w + "p"); r = id(w + "r"); rPr = id(w + "rPr"); pPr = id(w + "pPr"); t = id(w + "t"); tab = id(w + "tab")
            br = id(w + "br"); cr = id(w + "cr"); fldChar = id(w + "fldChar"); instrText = id(w + "instrText")
            delText = id(w + "delText"); ins = id(w + "ins"); del = id(w + "del"); moveFrom = id(w + "moveFrom")
            moveTo = id(w + "moveTo"); rPrChange = id(w + "rPrChange"); pPrChange = id(w + "pPrChange")
            txbxContent = id(w + "txbxContent")
            alternateContent = id(mc + "AlternateContent"); choice = id(mc + "Choice"); fallback = id(mc + "Fallback")
        }
    }

    /// A paragraph being collected. Nested paragraphs (text boxes) get their own builder.
    private struct Builder {
        var model: ParagraphModel
        var slots: [RunSlot] = []
        var containers: [Int] = []
        var isShadow: Bool
        var shadowDepthAtStart: Int
        var primaryIndex: Int?
    }

    /// A complex field (`w:fldChar` begin … separate … end): code until `separate`, then result.
    private struct FieldState { var inResult = false; var resultID = 0 }

    /// An `mc:AlternateContent` being walked: paragraphs of its first Choice and of its other
    /// branches, paired by order at the end so the copies get the same new text.
    private struct AlternateRecord { var inChoice = false; var choice: [Int] = []; var fallback: [Int] = [] }

    private var builders: [Builder] = []
    /// One field stack per story: a text box's fields are independent of the host's.
    private var fieldStories: [[FieldState]] = [[]]
    private var fieldCounter = 0
    private var alternates: [AlternateRecord] = []
    private var shadowDepth = 0
    private var deletedDepth = 0

    private let w: String

    init(bytes: [UInt8], elements: XMLTree, w: String, mc: String) {
        self.bytes = bytes
        self.elements = elements
        self.w = w
        self.n = Names(w: w, mc: mc, tree: elements)
    }

    func visit(_ index: Int) {
        let element = elements[index]
        let name = element.nameID
        if name == n.p { visitParagraph(index); return }
        if name == n.r { visitRun(index); return }
        if name == n.t || name == n.instrText || name == n.delText { return }
        if name == n.alternateContent { visitAlternate(index); return }
        if name == n.pPr, !builders.isEmpty { visitParagraphProperties(element); return }
        let inParagraph = !builders.isEmpty
        if inParagraph, !element.isSelfClosing, name == n.del || name == n.moveFrom {
            markTracked(removing: element.start..<element.end)
            deletedDepth += 1
            defer { deletedDepth -= 1 }
            visitChildren(element)
            return
        }
        if inParagraph, !element.isSelfClosing, name == n.ins || name == n.moveTo {
            markTracked(removing: element.start..<element.contentStart)
            markTracked(removing: element.contentEnd..<element.end)
            visitChildren(element)
            return
        }
        if name == n.txbxContent {
            fieldStories.append([])
            defer { fieldStories.removeLast() }
            visitChildren(element)
            return
        }
        // Any other element between a paragraph and its runs (hyperlink, fldSimple, sdt,
        // smartTag...) is a container: runs on either side of its boundary never merge.
        if inParagraph { builders[builders.count - 1].containers.append(index) }
        visitChildren(element)
        if inParagraph { builders[builders.count - 1].containers.removeLast() }
    }

    private func visitChildren(_ element: XMLElementSpan) {
        for child in elements.children(element) { visit(child) }
    }

    private func markTracked(removing range: Range<Int>?) {
        guard !builders.isEmpty else { return }
        builders[builders.count - 1].model.hasTrackedChanges = true
        if let range { builders[builders.count - 1].model.acceptEdits.append(ByteEdit(range: range, bytes: [])) }
    }

    private func visitParagraph(_ index: Int) {
        let isShadow = shadowDepth > 0
        var builder = Builder(model: ParagraphModel(element: index), isShadow: isShadow, shadowDepthAtStart: shadowDepth)
        if !isShadow {
            // Reserve the id now so an outer paragraph comes before its text boxes' paragraphs.
            builder.primaryIndex = primary.count
            primary.append(ParagraphModel(element: index))
        }
        builders.append(builder)
        visitChildren(elements[index])
        let done = builders.removeLast()
        var model = done.model
        for slot in done.slots {
            if let last = model.groups.last?.slots.last, last.key == slot.key {
                model.groups[model.groups.count - 1].append(slot)
            } else {
                model.groups.append(FormatGroup(slots: [slot]))
            }
        }
        if let primaryIndex = done.primaryIndex {
            primary[primaryIndex] = model
            if alternates.last?.inChoice == true { alternates[alternates.count - 1].choice.append(primaryIndex) }
        } else {
            shadows.append(model)
            if let last = alternates.last, !last.inChoice { alternates[alternates.count - 1].fallback.append(shadows.count - 1) }
        }
    }

    private func visitAlternate(_ index: Int) {
        alternates.append(AlternateRecord())
        var sawChoice = false
        for child in elements.children(index) {
            let branch = elements[child]
            if branch.nameID == n.choice && !sawChoice {
                sawChoice = true
                alternates[alternates.count - 1].inChoice = true
                visitChildren(branch)
            } else if branch.nameID == n.choice || branch.nameID == n.fallback {
                // Other renderings of the same content: never listed, rewritten alongside.
                alternates[alternates.count - 1].inChoice = false
                shadowDepth += 1
                visitChildren(branch)
                shadowDepth -= 1
            } else {
                visit(child)
            }
        }
        let record = alternates.removeLast()
        for k in 0..<min(record.choice.count, record.fallback.count) {
            primary[record.choice[k]].shadows.append(record.fallback[k])
        }
    }

    /// Paragraph properties hold paragraph-level revision marks only (on the paragraph mark,
    /// in `w:numPr`...). An insertion mark is accepted by dropping it. A deleted (or moved
    /// away) paragraph mark, `w:pPr/w:rPr/w:del`, joins the paragraph to the next one: noted
    /// here, done by ``mergeDeletedMarks()`` once the whole part is read.
    private func visitParagraphProperties(_ element: XMLElementSpan, isMarkProperties: Bool = false) {
        for child in elements.children(element) {
            let c = elements[child]
            if c.nameID == n.pPrChange || c.nameID == n.rPrChange || c.nameID == n.ins || c.nameID == n.moveTo {
                markTracked(removing: c.start..<c.end)
            } else if c.nameID == n.del || c.nameID == n.moveFrom {
                markTracked(removing: nil)
                if isMarkProperties { builders[builders.count - 1].model.markDeleted = true }
            } else {
                visitParagraphProperties(c, isMarkProperties: element.nameID == n.pPr && c.nameID == n.rPr)
            }
        }
    }

    // MARK: Deleted paragraph marks

    /// Accepting a deleted paragraph mark joins the paragraph with the next one, which keeps
    /// its own properties (its mark is the one that survives, as in Word: a paragraph deleted
    /// whole, mark included, simply disappears). Each chain of paragraphs joined this way
    /// becomes one listed paragraph, at the place of its first member, and its rewrite moves
    /// the last member's start tag and properties to the front and drops the tags in between.
    /// Only paragraphs that follow each other in the same container are joined (range marks
    /// such as bookmarks may sit between them and end up inside); a deleted mark with no such
    /// next paragraph (the last one of a cell) stays as it is.
    func mergeDeletedMarks() {
        let (newShadows, shadowMap) = merge(shadows)
        let (newPrimary, _) = merge(primary)
        shadows = newShadows
        primary = newPrimary.map { model in
            var model = model
            var seen = Set<Int>()
            model.shadows = model.shadows.compactMap { shadowMap[$0] }.filter { seen.insert($0).inserted }
            return model
        }
    }

    /// The list with joined paragraphs merged, and old position → new position.
    private func merge(_ list: [ParagraphModel]) -> ([ParagraphModel], [Int: Int]) {
        guard list.contains(where: \.markDeleted) else { return (list, Dictionary(uniqueKeysWithValues: list.indices.map { ($0, $0) })) }
        var position: [Int: Int] = [:]
        for (k, model) in list.enumerated() { position[model.element] = k }
        let markers: Set<Int32> = Set(["bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd", "permStart", "permEnd",
                                       "proofErr", "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd"]
            .map { elements.nameID(w + $0) }.filter { $0 >= 0 })
        // next[k]: the paragraph that paragraph k joins.
        var next = [Int?](repeating: nil, count: list.count)
        for (k, model) in list.enumerated() where model.markDeleted {
            var sibling = elements[model.element].nextSibling
            while sibling >= 0, markers.contains(elements[Int(sibling)].nameID) { sibling = elements[Int(sibling)].nextSibling }
            if sibling >= 0, elements[Int(sibling)].nameID == n.p, let target = position[Int(sibling)] { next[k] = target }
        }
        var joined = Set<Int>()
        for k in list.indices { if let target = next[k] { joined.insert(target) } }
        var result: [ParagraphModel] = []
        var map: [Int: Int] = [:]
        for k in list.indices where !joined.contains(k) {
            var members = [k]
            while let target = next[members.last!] { members.append(target) }
            for member in members { map[member] = result.count }
            result.append(members.count == 1 ? list[k] : joinedModel(members.map { list[$0] }))
        }
        return (result, map)
    }

    private func joinedModel(_ members: [ParagraphModel]) -> ParagraphModel {
        let first = members[0], last = members[members.count - 1]
        var model = ParagraphModel(element: first.element)
        model.hasTrackedChanges = true
        model.merged = members.map(\.element)
        for slot in members.flatMap({ $0.groups.flatMap(\.slots) }) {
            if let previous = model.groups.last?.slots.last, previous.key == slot.key {
                model.groups[model.groups.count - 1].append(slot)
            } else {
                model.groups.append(FormatGroup(slots: [slot]))
            }
        }
        model.shadows = members.flatMap(\.shadows)
        model.acceptEdits = members.flatMap(\.acceptEdits)
        // The surviving start tag and properties (with their own changes accepted) go first.
        let lastElement = elements[last.element]
        let name = elements.name(lastElement)
        var head: [UInt8]
        if lastElement.isSelfClosing {
            head = Array("<\(name)".utf8) + Array(bytes[lastElement.attributeRange]) + Array(">".utf8)
        } else {
            let headRange = lastElement.start..<headEnd(of: last.element)
            let inside = last.acceptEdits.filter { headRange.contains($0.range.lowerBound) && $0.range.upperBound <= headRange.upperBound }
                .map { ByteEdit(range: ($0.range.lowerBound - headRange.lowerBound)..<($0.range.upperBound - headRange.lowerBound), bytes: $0.bytes) }
            head = ParagraphRewriter.apply(inside, to: Array(bytes[headRange]))
        }
        model.acceptEdits.append(ByteEdit(range: elements[first.element].start..<headEnd(of: first.element), bytes: head))
        for (k, member) in members.enumerated() {
            let e = elements[member.element]
            if k < members.count - 1 { model.acceptEdits.append(ByteEdit(range: e.contentEnd..<e.end, bytes: [])) }
            if k > 0 {
                if e.isSelfClosing {
                    model.acceptEdits.append(ByteEdit(range: e.start..<e.end, bytes: Array("</\(name)>".utf8)))
                } else {
                    model.acceptEdits.append(ByteEdit(range: e.start..<headEnd(of: member.element), bytes: []))
                }
            }
        }
        return model
    }

    /// End of a paragraph's start tag and properties (`w:pPr`, always its first child).
    private func headEnd(of paragraph: Int) -> Int {
        let p = elements[paragraph]
        if let first = elements.children(p).first(where: { _ in true }), elements[first].nameID == n.pPr { return elements[first].end }
        return p.contentStart
    }

    private var fieldVisible: Bool { fieldStories[fieldStories.count - 1].allSatisfy(\.inResult) }

    private func visitRun(_ index: Int) {
        let run = elements[index]
        guard !builders.isEmpty else { visitChildren(run); return }
        let b = builders.count - 1
        let hidden = deletedDepth > 0 || shadowDepth > builders[b].shadowDepthAtStart
        var rPrKey = ""
        var items: [Int] = []
        var text = ""
        for child in elements.children(run) {
            let c = elements[child]
            switch c.nameID {
            case n.rPr:
                var key = Array(bytes[c.start..<c.end])
                for change in Array(elements.children(c)).reversed() where elements[change].nameID == n.rPrChange {
                    let e = elements[change]
                    markTracked(removing: e.start..<e.end)
                    key.removeSubrange((e.start - c.start)..<(e.end - c.start))
                }
                rPrKey = String(decoding: key, as: UTF8.self)
            case n.fldChar:
                updateField(XMLScanner.attribute(endingWith: "fldCharType", of: c, in: bytes))
            case n.t:
                guard !hidden, fieldVisible else { continue }
                items.append(child)
                let raw = bytes[c.contentStart..<c.contentEnd]
                let string = String(decoding: raw, as: UTF8.self)
                text += raw.contains(UInt8(ascii: "&")) ? XMLText.decodeEntities(string) : string
            case n.tab, n.cr:
                guard !hidden, fieldVisible else { continue }
                items.append(child)
                text += c.nameID == n.tab ? "\t" : "\n"
            case n.br:
                // Page and column breaks are layout, not text: they stay where they are.
                let type = XMLScanner.attribute(endingWith: "type", of: c, in: bytes)
                guard !hidden, fieldVisible, type == nil || type == "textWrapping" else { continue }
                items.append(child)
                text += "\n"
            case n.instrText, n.delText:
                continue
            default:
                visit(child)  // drawings, pictures, objects: may hold text boxes
            }
        }
        guard !items.isEmpty, !text.isEmpty else { return }
        let field = fieldStories[fieldStories.count - 1].last?.resultID ?? 0
        let key = rPrKey + "|" + builders[b].containers.map(String.init).joined(separator: ",") + "|\(field)"
        builders[b].slots.append(RunSlot(run: index, items: items, text: text, key: key))
    }

    private func updateField(_ type: String?) {
        let s = fieldStories.count - 1
        switch type {
        case "begin":
            fieldStories[s].append(FieldState())
        case "separate":
            guard !fieldStories[s].isEmpty else { return }
            fieldCounter += 1
            fieldStories[s][fieldStories[s].count - 1] = FieldState(inResult: true, resultID: fieldCounter)
        case "end":
            _ = fieldStories[s].popLast()
        default:
            break
        }
    }
}
