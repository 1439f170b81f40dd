import CCurl

/// Process-wide libcurl initialisation (`curl_global_init` must run exactly once, before any
/// other libcurl call, and is not thread-safe itself).
public enum CurlGlobal {
    /// Lazily initialised exactly once (Swift guarantees thread-safe static initialisation).
    private static let initialized: Bool = {
        curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK
    }()

    /// Calls `curl_global_init` if it has not run yet in this process.
    public static func ensureInitialized() {
        _ = initialized
    }

    /// The libcurl version string, e.g. `"libcurl/7.88.1 OpenSSL/3.0.x ..."`.
    public static var version: String {
        ensureInitialized()
        return String(cString: curl_version())
    }
}
