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

/// One character with its box (page coordinates, y growing downwards).
struct Glyph {
    var scalar: Unicode.Scalar
    var x1: Double, y1: Double, x2: Double, y2: Double
    var font: FontInfo
}
