import CCurl

/// Owns one libcurl easy handle (`CURL *`) and its error buffer, and frees both on deinit.
///
/// An easy handle keeps its connection cache across `curl_easy_reset`, so reusing the same
/// handle for successive requests reuses keep-alive connections. A handle must only be used by
/// one thread at a time; `CurlHandlePool` guarantees that.
final class CurlEasyHandle: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// Returns nil if libcurl cannot allocate a handle.
    init?() {
        CurlGlobal.ensureInitialized()
        guard let handle = curl_easy_init() else { return nil }
        self.handle = handle
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        self.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Runs one blocking transfer. Call from a Dispatch queue or dedicated thread, never from
    /// Swift's cooperative pool.
    func perform(_ request: CurlTransferRequest, context: CurlTransferContext) -> CurlTransferResult {
        context.resetBuffers()
        curl_easy_reset(handle)  // keeps live connections, DNS cache and session IDs
        errorBuffer[0] = 0

        let headerList = CurlHeaderList(request.headers)
        let contextPointer = Unmanaged.passUnretained(context).toOpaque()

        var code: CURLcode = CURLE_OK
        withExtendedLifetime((context, headerList)) {
            code = configure(request, headerList: headerList, contextPointer: contextPointer)
            if code == CURLE_OK {
                if context.isCancelled {
                    code = CURLE_ABORTED_BY_CALLBACK
                } else {
                    code = curl_easy_perform(handle)
                }
            }
        }

        var status = 0
        var rawStatus: Int = 0
        if guichet_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &rawStatus) == CURLE_OK {
            status = rawStatus
        }

        var message = ""
        if code != CURLE_OK {
            message = String(cString: errorBuffer)
            if message.isEmpty { message = String(cString: curl_easy_strerror(code)) }
            if context.bodyTooLarge { message = "response larger than \(request.maxResponseBytes) bytes" }
        }
        // The header list is freed after this point: make sure libcurl no longer references it.
        _ = guichet_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, nil)

        return CurlTransferResult(
            curlCode: code.rawValue,
            curlMessage: message,
            httpStatus: status,
            headers: context.headers,
            body: context.body,
            wasCancelled: context.isCancelled && code == CURLE_ABORTED_BY_CALLBACK
        )
    }

    /// Sets every option for one transfer; returns the first failing `CURLcode`.
    private func configure(
        _ request: CurlTransferRequest,
        headerList: CurlHeaderList,
        contextPointer: UnsafeMutableRawPointer
    ) -> CURLcode {
        var steps: [() -> CURLcode] = [
            { guichet_curl_setopt_string(self.handle, CURLOPT_URL, request.url) },
            { guichet_curl_setopt_string(self.handle, CURLOPT_PROTOCOLS_STR, "http,https") },
            { guichet_curl_setopt_long(self.handle, CURLOPT_NOSIGNAL, 1) },
            { guichet_curl_setopt_long(self.handle, CURLOPT_TIMEOUT_MS, request.timeoutMilliseconds) },
            { guichet_curl_setopt_long(self.handle, CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeoutMilliseconds) },
            { guichet_curl_setopt_long(self.handle, CURLOPT_TCP_KEEPALIVE, 1) },
            { guichet_curl_setopt_long(self.handle, CURLOPT_FOLLOWLOCATION, 0) },
            { guichet_curl_setopt_pointer(self.handle, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(self.errorBuffer)) },
            { guichet_curl_setopt_slist(self.handle, CURLOPT_HTTPHEADER, headerList.pointer) },
            { guichet_curl_setopt_write_callback(self.handle, CURLOPT_WRITEFUNCTION, curlWriteCallback) },
            { guichet_curl_setopt_pointer(self.handle, CURLOPT_WRITEDATA, contextPointer) },
            { guichet_curl_setopt_write_callback(self.handle, CURLOPT_HEADERFUNCTION, curlHeaderCallback) },
            { guichet_curl_setopt_pointer(self.handle, CURLOPT_HEADERDATA, contextPointer) },
            { guichet_curl_setopt_long(self.handle, CURLOPT_NOPROGRESS, 0) },
            { guichet_curl_setopt_xferinfo_callback(self.handle, curlProgressCallback) },
            { guichet_curl_setopt_pointer(self.handle, CURLOPT_XFERINFODATA, contextPointer) },
        ]
        switch request.method {
        case .get:
            steps.append { guichet_curl_setopt_long(self.handle, CURLOPT_HTTPGET, 1) }
        case .post:
            steps.append { guichet_curl_setopt_long(self.handle, CURLOPT_POST, 1) }
            // POSTFIELDSIZE must precede COPYPOSTFIELDS so that exactly `count` bytes are copied.
            steps.append { guichet_curl_setopt_long(self.handle, CURLOPT_POSTFIELDSIZE, request.body.count) }
            steps.append {
                request.body.withUnsafeBytes { bytes in
                    // An empty body still needs a valid pointer.
                    guichet_curl_setopt_pointer(
                        self.handle, CURLOPT_COPYPOSTFIELDS,
                        UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(("" as StaticString).utf8Start))
                    )
                }
            }
        }
        for step in steps {
            let code = step()
            if code != CURLE_OK { return code }
        }
        return CURLE_OK
    }
}

// MARK: - C callbacks
// These closures capture nothing (a capturing @convention(c) closure crashes swift-frontend 6.3.1):
// all state comes through the userdata pointer.

/// `CURLOPT_WRITEFUNCTION`: appends body bytes to the context.
private let curlWriteCallback: guichet_curl_write_callback = { data, size, count, userdata in
    guard let userdata else { return 0 }
    let context = Unmanaged<CurlTransferContext>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    guard length > 0, let data else { return length }
    let accepted = context.appendBody(UnsafeRawBufferPointer(start: data, count: length))
    return accepted ? length : 0  // returning less than `length` aborts with CURLE_WRITE_ERROR
}

/// `CURLOPT_HEADERFUNCTION`: records response headers (used for `Retry-After`).
private let curlHeaderCallback: guichet_curl_write_callback = { data, size, count, userdata in
    let length = size * count
    guard let userdata, let data, length > 0 else { return length }
    let context = Unmanaged<CurlTransferContext>.fromOpaque(userdata).takeUnretainedValue()
    context.appendHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
    return length
}

/// `CURLOPT_XFERINFOFUNCTION`: called at least about once per second while the transfer runs;
/// a non-zero return aborts it with `CURLE_ABORTED_BY_CALLBACK`.
private let curlProgressCallback: guichet_curl_xferinfo_callback = { userdata, _, _, _, _ in
    guard let userdata else { return 0 }
    let context = Unmanaged<CurlTransferContext>.fromOpaque(userdata).takeUnretainedValue()
    return context.isCancelled ? 1 : 0
}
