import Foundation

/// Poppler's work for the next pages runs on a thread of its own while the current page is laid
/// out: on two cores, reading a PDF then takes about as long as poppler alone.
///
/// Only the prefetch thread touches the document until ``finish()`` returns (pages are opened,
/// read and released there); what crosses over is plain Swift values.
final class PagePrefetcher: @unchecked Sendable {
    /// One page's text and boxes, or nil when poppler could not load the page.
    struct Page {
        var content: PopplerPage.Content
        var width: Double
        var height: Double
    }

    private let condition = NSCondition()
    private var ready: [Page?] = []
    private var stopped = false
    private var finished = false
    /// Pages read ahead at most (a page is a few hundred KB of glyphs).
    private let depth = 2

    init(document: PopplerDocument) {
        let doc = UncheckedBox(document)
        let count = document.pageCount
        let thread = Thread { [self] in
            for p in 0..<count {
                // The page (and poppler's text page inside it) is released on this thread.
                let page = doc.value.page(p).map { page -> Page in
                    let size = page.size
                    return Page(content: page.content(), width: size.width, height: size.height)
                }
                condition.lock()
                while ready.count >= depth && !stopped { condition.wait() }
                let stop = stopped
                if !stop { ready.append(page); condition.broadcast() }
                condition.unlock()
                if stop { break }
            }
            condition.lock()
            finished = true
            condition.broadcast()
            condition.unlock()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// The next page in order (blocks until it is read). Call exactly once per page.
    func next() -> Page? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !finished { condition.wait() }
        guard !ready.isEmpty else { return nil }
        let page = ready.removeFirst()
        condition.broadcast()
        return page
    }

    /// Stops reading ahead and waits until the thread no longer uses the document.
    func finish() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }
}

/// Hands a non-Sendable reference to the prefetch thread, which is its only user meanwhile.
private struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
