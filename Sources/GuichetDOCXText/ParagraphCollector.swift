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

    init(bytes: [UInt8], elements: XMLTree, w: String, mc: String) {
        self.bytes = bytes
        self.elements = elements
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
        if let range { builders[builders.count - 1].model.acceptRemovals.append(range) }
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
                model.groups[model.groups.count - 1].slots.append(slot)
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
    /// in `w:numPr`...). An insertion mark is accepted by dropping it; a deleted paragraph mark
    /// would merge two paragraphs, which a text rewrite does not do, so it stays.
    private func visitParagraphProperties(_ element: XMLElementSpan) {
        for child in elements.children(element) {
            let c = elements[child]
            if c.nameID == n.pPrChange || c.nameID == n.rPrChange || c.nameID == n.ins || c.nameID == n.moveTo {
                markTracked(removing: c.start..<c.end)
            } else if c.nameID == n.del || c.nameID == n.moveFrom {
                markTracked(removing: nil)
            } else {
                visitParagraphProperties(c)
            }
        }
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
                text += XMLText.decodeEntities(String(decoding: bytes[c.contentStart..<c.contentEnd], as: UTF8.self))
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
