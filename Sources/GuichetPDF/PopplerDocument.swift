import CPoppler
import Foundation

/// Owns one `PopplerDocument*` and releases it: a poppler handle never outlives its owner, so
/// early returns and thrown errors cannot leak it.
final class PopplerDocument {
    let handle: OpaquePointer
    /// Fonts seen so far, shared by the pages: most fonts recur on every page.
    let fonts = FontTable()

    /// Opens `url` with poppler. Errors are mapped to ``PDFError`` codes; `fileName` is only used
    /// for the French message.
    init(url: URL, password: String?, fileName: String) throws(PDFError) {
        guard let real = realpath(url.path, nil) else {
            throw PDFError(.damaged, message: "cannot resolve path \(url.path)", fileName: fileName)
        }
        defer { free(real) }
        var error: UnsafeMutablePointer<GError>?
        guard let uri = g_filename_to_uri(real, nil, &error) else {
            let text = error.map { String(cString: $0.pointee.message) } ?? "unknown"
            if let error { g_error_free(error) }
            throw PDFError(.damaged, message: "cannot build URI: \(text)", fileName: fileName)
        }
        defer { g_free(uri) }
        guard let doc = poppler_document_new_from_file(uri, password, &error) else {
            let code = guichet_error_code(error)
            let isPoppler = guichet_is_poppler_error(error) != 0
            let text = error.map { String(cString: $0.pointee.message) } ?? "unknown error"
            if let error { g_error_free(error) }
            if isPoppler && code == Int32(POPPLER_ERROR_ENCRYPTED.rawValue) {
                // poppler reports the same code for "no password" and "bad password".
                if let password, !password.isEmpty {
                    throw PDFError(.wrongPassword, message: "wrong password: \(text)", fileName: fileName)
                }
                throw PDFError(.encrypted, message: "encrypted, no password given: \(text)", fileName: fileName)
            }
            throw PDFError(.damaged, message: "poppler cannot open the file: \(text)", fileName: fileName)
        }
        handle = doc
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(handle)) }

    var pageCount: Int { Int(poppler_document_get_n_pages(handle)) }

    var title: String? {
        guard let raw = poppler_document_get_title(handle) else { return nil }
        defer { g_free(raw) }
        let t = String(cString: raw).trimmingCharacters(in: .whitespacesAndNewlines)
        return t.isEmpty ? nil : t
    }

    func page(_ index: Int) -> PopplerPage? {
        guard let p = poppler_document_get_page(handle, Int32(index)) else { return nil }
        return PopplerPage(handle: p, fonts: fonts)
    }
}

/// Owns one `PopplerPage*` (released in `deinit`) and copies out what the layout code needs.
final class PopplerPage {
    let handle: OpaquePointer
    let fonts: FontTable

    init(handle: OpaquePointer, fonts: FontTable = FontTable()) {
        self.handle = handle
        self.fonts = fonts
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(handle)) }

    var size: (width: Double, height: Double) {
        var w = 0.0, h = 0.0
        poppler_page_get_size(handle, &w, &h)
        return (w, h)
    }

    /// Raw text in poppler's reading order (what pdftotext prints).
    var text: String {
        guard let raw = poppler_page_get_text(handle) else { return "" }
        defer { g_free(raw) }
        return String(cString: raw)
    }

    /// What the layout needs of one page, from a single text extraction.
    struct Content {
        /// Poppler's text (reading order), as Unicode scalars, bidi marks included.
        var scalars: [Unicode.Scalar]
        /// One glyph per scalar of the text except bidi marks (poppler gives a box to every other
        /// character, spaces and newlines included).
        var glyphs: [Glyph]
        var text: String { String(String.UnicodeScalarView(scalars)) }
        var hasRTL: Bool { glyphs.contains { PageLayout.isRTL($0.scalar) } }
    }

    /// Every character of the page text with its box and font, in poppler's reading order.
    ///
    /// Poppler selects text like a mouse drag from the rectangle's first corner to its second.
    /// From the top-left corner, a right-to-left first or last line is selected from its logical
    /// end, so it comes out empty (the Arabic sample lost two lines of four); from the top-right
    /// corner the same happens to left-to-right lines. A page with right-to-left text is read
    /// both ways and the reading that recovers more characters wins.
    func content() -> Content {
        let (w, h) = size
        let normal = content(area: PopplerRectangle(x1: 0, y1: 0, x2: w, y2: h))
        guard normal.hasRTL else { return normal }
        let flipped = content(area: PopplerRectangle(x1: w, y1: 0, x2: 0, y2: h))
        return flipped.glyphs.count > normal.glyphs.count ? flipped : normal
    }

    /// Text, boxes and fonts of one selection. The text is decoded once, straight from
    /// poppler's buffer. Poppler's boxes and attribute offsets skip the bidi marks it puts in the
    /// text (U+202B … U+202C around each right-to-left word), so glyphs are paired with the other
    /// scalars; a closing mark directly followed by an opening one separates two words that
    /// poppler printed without a space between them.
    func content(area: PopplerRectangle) -> Content {
        var rect = area
        guard let raw = poppler_page_get_text_for_area(handle, &rect) else { return Content(scalars: [], glyphs: []) }
        let scalars = PopplerPage.decode(raw)
        g_free(raw)
        var visible: [Unicode.Scalar] = []
        var breakBefore: [Bool] = []
        visible.reserveCapacity(scalars.count)
        breakBefore.reserveCapacity(scalars.count)
        var closed = false, pendingBreak = false
        for s in scalars {
            let v = s.value
            if v == 0x202C { closed = true; continue }
            if (0x202A...0x202E).contains(v) { if closed { pendingBreak = true }; continue }
            if (0x2066...0x2069).contains(v) || v == 0x200E || v == 0x200F { continue }
            visible.append(s)
            breakBefore.append(pendingBreak)
            closed = false; pendingBreak = false
        }
        var rects: UnsafeMutablePointer<PopplerRectangle>?
        var count: guint = 0
        guard poppler_page_get_text_layout_for_area(handle, &rect, &rects, &count) != 0, let rects else {
            return Content(scalars: scalars, glyphs: [])
        }
        defer { g_free(rects) }
        let n = min(Int(count), visible.count)
        var fontIndex = [Int32](repeating: -1, count: n)
        if n > 0, let list = poppler_page_get_text_attributes_for_area(handle, &rect) {
            defer { poppler_page_free_text_attributes(list) }
            var node: UnsafeMutablePointer<GList>? = list
            while let current = node {
                if let attr = guichet_text_attributes_at(current) {
                    let name = attr.pointee.font_name.map { String(cString: $0) } ?? ""
                    let id = fonts.id(name: name, size: attr.pointee.font_size)
                    let lo = max(0, Int(attr.pointee.start_index))
                    let hi = min(n - 1, Int(attr.pointee.end_index))
                    if lo <= hi { for i in lo...hi { fontIndex[i] = id } }
                }
                node = current.pointee.next
            }
        }
        var out: [Glyph] = []
        out.reserveCapacity(n)
        for i in 0..<n {
            let r = rects[i]
            let f = Int(fontIndex[i])
            var g: Glyph
            if f >= 0 {
                let font = fonts.all[f]
                g = Glyph(scalar: visible[i], x1: r.x1, y1: r.y1, x2: r.x2, y2: r.y2,
                          size: font.size, bold: font.isBold, mono: font.isMonospace)
            } else {
                g = Glyph(scalar: visible[i], x1: r.x1, y1: r.y1, x2: r.x2, y2: r.y2,
                          size: r.y2 - r.y1, bold: false, mono: false)
            }
            g.breakBefore = breakBefore[i]
            out.append(g)
        }
        return Content(scalars: scalars, glyphs: out)
    }

    /// Glyphs only (see ``content()``).
    func glyphs() -> [Glyph] { content().glyphs }


    /// UTF-8 from poppler to scalars, ill-formed sequences replaced as `String(cString:)` does.
    static func decode(_ raw: UnsafePointer<CChar>) -> [Unicode.Scalar] {
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: strlen(raw))
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(bytes.count)
        var it = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&it) {
            case let .scalarValue(s): out.append(s)
            case .error: out.append("\u{FFFD}")
            case .emptyInput: return out
            }
        }
    }
}

/// Fonts by (name, size), numbered in order of appearance. Bold and monospace are worked out
/// once per font of the document (name searches), not once per page.
final class FontTable {
    private(set) var all: [FontInfo] = []
    private var ids: [Key: Int32] = [:]

    private struct Key: Hashable {
        var name: String
        var size: Double
    }

    func id(name: String, size: Double) -> Int32 {
        let key = Key(name: name, size: size)
        if let known = ids[key] { return known }
        let id = Int32(all.count)
        all.append(FontInfo(name: name, size: size))
        ids[key] = id
        return id
    }
}
