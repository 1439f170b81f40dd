/// Font of a character range as poppler reports it.
struct FontInfo: Equatable {
    let name: String
    let size: Double

    /// Worked out once per font run, not per glyph: the name tests are string searches and
    /// were a quarter of the PDF reading time when done per glyph.
    let isBold: Bool
    let isMonospace: Bool

    init(name: String, size: Double) {
        self.name = name
        self.size = size
        let n = name.lowercased()
        isBold = n.contains("bold") || n.contains("black") || n.contains("heavy") || n.contains("semibold")
            || n.hasSuffix(",b") || n.contains("-bd")
        isMonospace = n.contains("mono") || n.contains("courier") || n.contains("consol") || n.contains("menlo")
            || n.contains("typewriter") || n.contains("cmtt") || n.contains("code")
    }
}

/// One character with its box (page coordinates, y growing downwards) and what the layout needs
/// of its font. Plain values only: a page has thousands of glyphs, and a font name (a String)
/// in each one cost a retain and a release at every copy.
struct Glyph {
    var scalar: Unicode.Scalar
    var x1: Double, y1: Double, x2: Double, y2: Double
    var size: Double
    var bold: Bool
    var mono: Bool
    /// A word starts here even without a space (poppler separates some right-to-left words by
    /// bidi marks only).
    var breakBefore = false

    init(scalar: Unicode.Scalar, x1: Double, y1: Double, x2: Double, y2: Double, size: Double, bold: Bool, mono: Bool) {
        self.scalar = scalar
        self.x1 = x1; self.y1 = y1; self.x2 = x2; self.y2 = y2
        self.size = size
        self.bold = bold
        self.mono = mono
    }

    init(scalar: Unicode.Scalar, x1: Double, y1: Double, x2: Double, y2: Double, font: FontInfo) {
        self.init(scalar: scalar, x1: x1, y1: y1, x2: x2, y2: y2, size: font.size, bold: font.isBold, mono: font.isMonospace)
    }
}
