import Synchronization

/// What one libcurl transfer should do.
struct CurlTransferRequest: Sendable {
    enum Method: Sendable { case get, post }

    var url: String
    var method: Method
    /// The POST body (copied by libcurl through `CURLOPT_COPYPOSTFIELDS`).
    var body: [UInt8] = []
    /// Header lines, `"Name: value"`.
    var headers: [String] = []
    var timeoutMilliseconds: Int
    var connectTimeoutMilliseconds: Int
    /// Bodies larger than this abort the transfer (protects memory against a runaway server).
    var maxResponseBytes: Int = 32 * 1024 * 1024
}

/// What one libcurl transfer produced.
struct CurlTransferResult: Sendable {
    /// Raw `CURLcode` value (`0` = `CURLE_OK`).
    var curlCode: UInt32
    /// libcurl's message for `curlCode` (error buffer or `curl_easy_strerror`), empty on success.
    var curlMessage: String
    /// HTTP status of the last response, 0 when none was received.
    var httpStatus: Int
    /// Response headers of the final response, names lowercased.
    var headers: [String: String]
    var body: [UInt8]
    /// Whether the transfer was aborted because `cancel()` was called.
    var wasCancelled: Bool
}

/// Mutable state shared with libcurl's C callbacks during one transfer.
///
/// Passed to C as `Unmanaged.passUnretained(context).toOpaque()`; the caller keeps it alive with
/// `withExtendedLifetime` for the whole `curl_easy_perform`. `body` and `headers` are only touched
/// on the thread running the transfer; `cancel()` may be called from any thread.
final class CurlTransferContext: @unchecked Sendable {
    private let cancelledFlag = Atomic<Bool>(false)
    let maxResponseBytes: Int
    private(set) var body: [UInt8] = []
    private(set) var headers: [String: String] = [:]
    private(set) var bodyTooLarge = false

    init(maxResponseBytes: Int) {
        self.maxResponseBytes = maxResponseBytes
    }

    /// Requests that the transfer stop at the next progress callback (thread-safe).
    func cancel() {
        cancelledFlag.store(true, ordering: .releasing)
    }

    /// Whether `cancel()` was called (thread-safe).
    var isCancelled: Bool {
        cancelledFlag.load(ordering: .acquiring)
    }

    /// Appends received body bytes; returns false when the response is too large.
    func appendBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if body.count + bytes.count > maxResponseBytes {
            bodyTooLarge = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    /// Records one raw header line. A new status line starts a new header block
    /// (e.g. after `100 Continue`), so only the final response's headers are kept.
    func appendHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self)
            .trimmingCharacters(in: [" ", "\r", "\n", "\t"])
        if line.hasPrefix("HTTP/") {
            headers.removeAll()
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: [" ", "\t"])
        headers[name] = value
    }

    /// Clears the buffers so the context can be reused for another attempt.
    func resetBuffers() {
        body.removeAll(keepingCapacity: true)
        headers.removeAll()
        bodyTooLarge = false
    }
}

extension String {
    /// Foundation-free trimming of a small set of characters.
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        Substring(self).trimmingCharacters(in: set)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        var slice = self[...]
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
