/// Options for ``PDFReader``.
public struct PDFReaderOptions: Sendable {
    /// Open password of an encrypted PDF; `nil` when none was provided (an empty-password file
    /// still opens).
    public var password: String?
    /// Documents with more pages than this are refused with ``PDFError/Code/tooManyPages``:
    /// protects the daemon and the language model from giant uploads.
    public var maxPages: Int
    /// Threads that read pages at once; `nil` picks one per core, up to four (see
    /// `PageReader.workerCount`). The result is the same whatever the number.
    public var readerThreads: Int?

    /// - Parameters:
    ///   - password: open password, if the agent supplied one.
    ///   - maxPages: page limit (default 500).
    public init(password: String? = nil, maxPages: Int = 500) {
        self.password = password
        self.maxPages = maxPages
    }
}
