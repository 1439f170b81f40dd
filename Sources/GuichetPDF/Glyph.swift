/// Font of a character range as poppler reports it.
struct FontInfo: Equatable {
    var name: String
    var size: Double

    var isBold: Bool {
        let n = name.lowercased()
        return n.contains("bold") || n.contains("black") || n.contains("heavy") || n.contains("semibold")
            || n.hasSuffix(",b") || n.contains("-bd")
    }

    var isMonospace: Bool {
        let n = name.lowercased()
        return n.contains("mono") || n.contains("courier") || n.contains("consol") || n.contains("menlo")
            || n.contains("typewriter") || n.contains("cmtt") || n.contains("code")
    }
}

/// One character with its box (page coordinates, y growing downwards).
struct Glyph {
    var scalar: Unicode.Scalar
    var x1: Double, y1: Double, x2: Double, y2: Double
    var font: FontInfo
}
