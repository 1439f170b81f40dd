import CCurl
// libcurl is initialised once per process, by the LLM client module (one owner, no race).
import GuichetLLM

/// Owns one libcurl easy handle (`CURL *`) and its error buffer, and frees both on deinit.
///
/// A digest goes out every few minutes at most, so each transfer gets a fresh handle: no pool,
/// no connection kept open to a mail server between digests.
final class CurlEasy {
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

    /// Runs one blocking transfer. Call from a Dispatch queue, never from Swift's cooperative pool.
    func perform(_ transfer: CurlTransfer, context: CurlTransferContext) -> CurlOutcome {
        let recipients = CurlStringList(transfer.smtp?.recipients.map { "<\($0)>" } ?? [])
        let headers = CurlStringList(transfer.httpHeaders)
        let contextPointer = Unmanaged.passUnretained(context).toOpaque()

        var code: CURLcode = CURLE_OK
        withExtendedLifetime((context, recipients, headers)) {
            code = configure(transfer, recipients: recipients, headers: headers, context: contextPointer)
            if code == CURLE_OK {
                code = context.isCancelled ? CURLE_ABORTED_BY_CALLBACK : curl_easy_perform(handle)
            }
        }

        // For SMTP this is the last reply code (e.g. 550 after a refused RCPT), for HTTP the status.
        var responseCode = 0
        _ = guichet_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &responseCode)
        var message = ""
        if code != CURLE_OK {
            message = String(cString: errorBuffer)
            if message.isEmpty { message = String(cString: curl_easy_strerror(code)) }
        }
        // The lists are freed when this returns: libcurl must not keep pointers to them.
        _ = guichet_curl_setopt_slist(handle, CURLOPT_MAIL_RCPT, nil)
        _ = guichet_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, nil)

        return CurlOutcome(
            curlCode: code.rawValue, message: message, responseCode: responseCode,
            body: context.body, cancelled: context.isCancelled && code == CURLE_ABORTED_BY_CALLBACK
        )
    }

    /// Sets every option of one transfer; returns the first failing `CURLcode`.
    private func configure(
        _ transfer: CurlTransfer, recipients: CurlStringList, headers: CurlStringList, context: UnsafeMutableRawPointer
    ) -> CURLcode {
        let h = handle
        var steps: [() -> CURLcode] = [
            { guichet_curl_setopt_string(h, CURLOPT_URL, transfer.url) },
            { guichet_curl_setopt_long(h, CURLOPT_NOSIGNAL, 1) },
            { guichet_curl_setopt_long(h, CURLOPT_TIMEOUT_MS, Self.milliseconds(transfer.timeout)) },
            { guichet_curl_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(transfer.connectTimeout)) },
            { guichet_curl_setopt_pointer(h, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(self.errorBuffer)) },
            { guichet_curl_setopt_write_callback(h, CURLOPT_WRITEFUNCTION, notifyWriteCallback) },
            { guichet_curl_setopt_pointer(h, CURLOPT_WRITEDATA, context) },
            { guichet_curl_setopt_long(h, CURLOPT_NOPROGRESS, 0) },
            { guichet_curl_setopt_xferinfo_callback(h, notifyProgressCallback) },
            { guichet_curl_setopt_pointer(h, CURLOPT_XFERINFODATA, context) },
        ]
        if let smtp = transfer.smtp {
            steps += [
                // Refusing other protocols keeps a mistyped URL from becoming an FTP or FILE upload.
                { guichet_curl_setopt_string(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps") },
                { guichet_curl_setopt_string(h, CURLOPT_MAIL_FROM, "<\(smtp.from)>") },
                { guichet_curl_setopt_slist(h, CURLOPT_MAIL_RCPT, recipients.pointer) },
                { guichet_curl_setopt_long(h, CURLOPT_UPLOAD, 1) },
                // Same C signature as a write callback: (char *, size_t, size_t, void *) -> size_t.
                { guichet_curl_setopt_write_callback(h, CURLOPT_READFUNCTION, notifyReadCallback) },
                { guichet_curl_setopt_pointer(h, CURLOPT_READDATA, context) },
                { guichet_curl_setopt_off_t(h, CURLOPT_INFILESIZE_LARGE, curl_off_t(transfer.payload.count)) },
            ]
            if smtp.requireTLS {
                steps.append { guichet_curl_setopt_long(h, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)) }
            }
            if let username = smtp.username {
                steps.append { guichet_curl_setopt_string(h, CURLOPT_USERNAME, username) }
                steps.append { guichet_curl_setopt_string(h, CURLOPT_PASSWORD, smtp.password ?? "") }
            }
        } else {
            steps += [
                { guichet_curl_setopt_string(h, CURLOPT_PROTOCOLS_STR, "http,https") },
                { guichet_curl_setopt_long(h, CURLOPT_FOLLOWLOCATION, 0) },
                { guichet_curl_setopt_slist(h, CURLOPT_HTTPHEADER, headers.pointer) },
                { guichet_curl_setopt_long(h, CURLOPT_POST, 1) },
                // POSTFIELDSIZE must precede COPYPOSTFIELDS so that exactly `count` bytes are copied.
                { guichet_curl_setopt_long(h, CURLOPT_POSTFIELDSIZE, transfer.payload.count) },
                {
                    transfer.payload.withUnsafeBytes { bytes in
                        guichet_curl_setopt_pointer(
                            h, CURLOPT_COPYPOSTFIELDS,
                            UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(("" as StaticString).utf8Start))
                        )
                    }
                },
            ]
        }
        for step in steps {
            let code = step()
            if code != CURLE_OK { return code }
        }
        return CURLE_OK
    }

    private static func milliseconds(_ seconds: Double) -> Int {
        guard seconds.isFinite, seconds > 0 else { return 1 }
        return Int(min(seconds * 1000, Double(Int32.max)).rounded(.up))
    }
}

/// Owns a libcurl `curl_slist` (recipients or header lines) and frees it on deinit.
/// Must stay alive until `curl_easy_perform` returns: libcurl does not copy the list.
final class CurlStringList {
    private(set) var pointer: UnsafeMutablePointer<curl_slist>?

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

// MARK: - C callbacks
// These closures capture nothing (a capturing @convention(c) closure crashes swift-frontend 6.3.1):
// all state comes through the userdata pointer.

/// `CURLOPT_READFUNCTION`: hands libcurl the next bytes of the message to upload.
private let notifyReadCallback: guichet_curl_write_callback = { buffer, size, count, userdata in
    guard let buffer, let userdata else { return Int(CURL_READFUNC_ABORT) }
    let context = Unmanaged<CurlTransferContext>.fromOpaque(userdata).takeUnretainedValue()
    if context.isCancelled { return Int(CURL_READFUNC_ABORT) }
    return context.readPayload(into: UnsafeMutableRawPointer(buffer), capacity: size * count)
}

/// `CURLOPT_WRITEFUNCTION`: keeps the start of the webhook's answer for the error message.
private let notifyWriteCallback: guichet_curl_write_callback = { data, size, count, userdata in
    let length = size * count
    guard let userdata, let data, length > 0 else { return length }
    let context = Unmanaged<CurlTransferContext>.fromOpaque(userdata).takeUnretainedValue()
    context.appendBody(UnsafeRawBufferPointer(start: data, count: length))
    return length
}

/// `CURLOPT_XFERINFOFUNCTION`: called about once per second and on every bit of progress;
/// a non-zero return aborts the transfer with `CURLE_ABORTED_BY_CALLBACK`.
private let notifyProgressCallback: guichet_curl_xferinfo_callback = { userdata, _, _, _, _ in
    guard let userdata else { return 0 }
    let context = Unmanaged<CurlTransferContext>.fromOpaque(userdata).takeUnretainedValue()
    return context.isCancelled ? 1 : 0
}
