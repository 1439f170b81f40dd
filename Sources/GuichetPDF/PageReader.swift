import Foundation

/// Reads the layout of every page on several threads, each with a poppler document of its own.
///
/// Poppler's page work is most of a PDF's reading time. One document handle must not be shared
/// between threads, but separate handles of the same file are independent: on two cores, two
/// handles read a long PDF in a little over half the time, and a pipeline that waits for the
/// whole text before its first model call starts that much sooner. A page's layout (words,
/// gutters, segments) is worked out on the thread that read it, so only plain Swift values
/// cross threads. Pages are handed out one at a time from a shared counter, so a slow page does
/// not hold a whole share back. The result does not depend on the number of threads (tested).
enum PageReader {
    /// What the document-wide analysis needs of one page.
    struct Page {
        var segments: [Segment]
        var height: Double
        /// Characters in words (an image-only page has almost none).
        var characters: Int
        /// Distinct word texts, for the hyphenation vocabulary.
        var words: Set<String>
    }

    /// Threads worth using for `pages` pages: one per core up to four, and at most one per two
    /// pages (a 14-page paper still reads faster on two handles; a one-page letter does not).
    static func workerCount(pages: Int) -> Int {
        max(1, min(ProcessInfo.processInfo.activeProcessorCount, 4, pages / 2))
    }

    /// Every page in order; nil where poppler could not load the page.
    /// - Parameters:
    ///   - document: the handle already open (used by the calling thread).
    ///   - workers: threads in all, the calling one included.
    ///   - open: opens another handle of the same file, for each extra thread. A thread whose
    ///     handle does not open does no work; the others read its pages.
    static func read(document: PopplerDocument, workers: Int, open: @escaping @Sendable () -> PopplerDocument?) -> [Page?] {
        let count = document.pageCount
        let shared = Shared(count: count)
        let extra = max(0, min(workers, count) - 1)
        let done = DispatchGroup()
        for _ in 0..<extra {
            done.enter()
            let thread = Thread {
                // The handle and its pages are created, used and released on this thread.
                if let doc = open() { shared.work(on: doc) }
                done.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        shared.work(on: document)
        done.wait()
        return shared.pages
    }

    static func layout(of page: PopplerPage) -> Page {
        let size = page.size
        let glyphs = page.content().glyphs
        let words = PageLayout.words(from: glyphs)
        var texts = Set<String>()
        var characters = 0
        for w in words { texts.insert(w.text); characters += w.length }
        let gutters = PageLayout.gutters(words: words, pageWidth: size.width)
        return Page(segments: PageLayout.segments(words: words, gutters: gutters), height: size.height,
                    characters: characters, words: texts)
    }

    /// The page counter and the results, behind one lock (taken twice per page).
    private final class Shared: @unchecked Sendable {
        private let lock = NSLock()
        private var nextPage = 0
        private let count: Int
        private var results: [Page?]

        init(count: Int) {
            self.count = count
            results = Array(repeating: nil, count: count)
        }

        var pages: [Page?] { lock.withLock { results } }

        func work(on doc: PopplerDocument) {
            while true {
                let index: Int = lock.withLock {
                    defer { nextPage += 1 }
                    return nextPage
                }
                guard index < count else { return }
                let page = doc.page(index).map(PageReader.layout(of:))
                lock.withLock { results[index] = page }
            }
        }
    }
}
