import Foundation

/// `word/styles.xml` and `word/numbering.xml`.
///
/// Style ids and names follow Word's built-in ones ("Heading1" / "heading 1", "ListParagraph" /
/// "List Paragraph", "TableGrid" / "Table Grid"): Word and LibreOffice map those names to their
/// own heading styles, and `w:outlineLvl` puts headings in the navigation pane and TOC.
enum DOCXStyles {
    /// Heading font sizes in half-points, levels 1...6.
    private static let headingSizes = ["32", "28", "26", "24", "22", "22"]

    static func stylesXML(language: String) -> Data {
        var x = XMLWriter()
        x.raw("<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">")
        x.raw("<w:docDefaults><w:rPrDefault><w:rPr>")
        x.empty("w:rFonts", ["w:ascii": "Arial", "w:hAnsi": "Arial", "w:eastAsia": "Arial", "w:cs": "Arial"])
        x.raw("<w:sz w:val=\"22\"/><w:szCs w:val=\"22\"/>")
        x.empty("w:lang", ["w:val": language, "w:eastAsia": language, "w:bidi": language])
        x.raw("</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>")
        x.raw("<w:spacing w:after=\"120\" w:line=\"264\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>")

        x.raw("<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/>")
        x.raw("<w:rPr>")
        x.empty("w:lang", ["w:val": language, "w:eastAsia": language, "w:bidi": language])
        x.raw("</w:rPr></w:style>")
        x.raw("<w:style w:type=\"character\" w:default=\"1\" w:styleId=\"DefaultParagraphFont\"><w:name w:val=\"Default Paragraph Font\"/><w:uiPriority w:val=\"1\"/><w:semiHidden/></w:style>")
        x.raw("<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/><w:semiHidden/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>")
        x.raw("<w:style w:type=\"numbering\" w:default=\"1\" w:styleId=\"NoList\"><w:name w:val=\"No List\"/><w:semiHidden/></w:style>")

        x.raw("<w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>")
        x.raw("<w:pPr><w:keepNext/><w:spacing w:before=\"240\" w:after=\"240\"/><w:jc w:val=\"center\"/></w:pPr><w:rPr><w:b/><w:bCs/><w:sz w:val=\"40\"/><w:szCs w:val=\"40\"/></w:rPr></w:style>")

        for level in 1...6 {
            x.open("w:style", ["w:type": "paragraph", "w:styleId": "Heading\(level)"])
            x.empty("w:name", ["w:val": "heading \(level)"])
            x.raw("<w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:uiPriority w:val=\"9\"/><w:qFormat/>")
            x.raw("<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before=\"240\" w:after=\"120\"/>")
            x.empty("w:outlineLvl", ["w:val": String(level - 1)])
            x.raw("</w:pPr><w:rPr><w:b/><w:bCs/>")
            if level >= 5 { x.raw("<w:i/><w:iCs/>") }
            x.empty("w:sz", ["w:val": headingSizes[level - 1]])
            x.empty("w:szCs", ["w:val": headingSizes[level - 1]])
            x.raw("</w:rPr></w:style>")
        }

        x.raw("<w:style w:type=\"paragraph\" w:styleId=\"ListParagraph\"><w:name w:val=\"List Paragraph\"/><w:basedOn w:val=\"Normal\"/><w:uiPriority w:val=\"34\"/><w:qFormat/>")
        x.raw("<w:pPr><w:spacing w:after=\"60\"/><w:ind w:left=\"720\"/><w:contextualSpacing/></w:pPr></w:style>")

        // Monospace with a fallback Word and LibreOffice both have.
        x.raw("<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"Code\"><w:name w:val=\"Code\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/>")
        // Word validates child order against the schema: in pPr, shd comes before spacing.
        x.raw("<w:pPr><w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"F2F2F2\"/><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr>")
        x.raw("<w:rPr><w:rFonts w:ascii=\"Courier New\" w:hAnsi=\"Courier New\" w:eastAsia=\"Courier New\" w:cs=\"Courier New\"/><w:noProof/><w:sz w:val=\"20\"/><w:szCs w:val=\"20\"/></w:rPr></w:style>")

        x.raw("<w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/><w:basedOn w:val=\"TableNormal\"/><w:uiPriority w:val=\"59\"/>")
        x.raw("<w:pPr><w:spacing w:after=\"0\"/></w:pPr><w:tblPr><w:tblBorders>")
        x.raw("<w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/><w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>")
        x.raw("<w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/><w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>")
        x.raw("<w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/><w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>")
        x.raw("</w:tblBorders></w:tblPr></w:style>")
        x.raw("</w:styles>")
        return x.data
    }

    /// Bullet glyphs per level, cycling as Word does.
    private static let bullets = ["•", "◦", "▪"]

    /// abstractNum 0 = bullets, 1 = decimal; numId 1 = bullets (shared by every bullet list);
    /// numIds 2... = one per ordered list, each restarting at 1 through `startOverride`.
    static let bulletNumID = 1

    static func numberingXML(orderedListNumIDs: [Int]) -> Data {
        var x = XMLWriter()
        x.raw("<w:numbering xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">")
        for abstractID in 0...1 {
            x.open("w:abstractNum", ["w:abstractNumId": String(abstractID)])
            x.raw("<w:multiLevelType w:val=\"hybridMultilevel\"/>")
            for level in 0..<9 {
                x.open("w:lvl", ["w:ilvl": String(level)])
                x.raw("<w:start w:val=\"1\"/>")
                if abstractID == 0 {
                    x.raw("<w:numFmt w:val=\"bullet\"/>")
                    x.empty("w:lvlText", ["w:val": bullets[level % bullets.count]])
                } else {
                    x.raw("<w:numFmt w:val=\"decimal\"/>")
                    x.empty("w:lvlText", ["w:val": "%\(level + 1)."])
                }
                x.raw("<w:lvlJc w:val=\"left\"/><w:pPr>")
                x.empty("w:ind", ["w:left": String(720 * (level + 1)), "w:hanging": "360"])
                x.raw("</w:pPr></w:lvl>")
            }
            x.close("w:abstractNum")
        }
        x.open("w:num", ["w:numId": String(bulletNumID)])
        x.raw("<w:abstractNumId w:val=\"0\"/></w:num>")
        for numID in orderedListNumIDs {
            x.open("w:num", ["w:numId": String(numID)])
            x.raw("<w:abstractNumId w:val=\"1\"/>")
            for level in 0..<9 {
                x.open("w:lvlOverride", ["w:ilvl": String(level)])
                x.raw("<w:startOverride w:val=\"1\"/></w:lvlOverride>")
            }
            x.close("w:num")
        }
        x.raw("</w:numbering>")
        return x.data
    }
}
