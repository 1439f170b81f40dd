import CCurl

/// Owns a libcurl `curl_slist` of request headers and frees it on deinit.
///
/// Must stay alive until `curl_easy_perform` returns (libcurl does not copy the list).
final class CurlHeaderList {
    private(set) var pointer: UnsafeMutablePointer<curl_slist>?

    /// Builds a list from `"Name: value"` lines.
    init(_ lines: [String]) {
        for line in lines {
            guard let appended = curl_slist_append(pointer, line) else { continue }
            pointer = appended
        }
    }

    deinit {
        if let pointer { curl_slist_free_all(pointer) }
    }
}
