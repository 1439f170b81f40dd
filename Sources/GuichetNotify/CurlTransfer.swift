import CCurl
import Dispatch
import Synchronization

/// What one libcurl transfer should do: an SMTP submission or an HTTP POST.
struct CurlTransfer: Sendable {
    /// The SMTP envelope; nil for an HTTP POST.
    struct SMTP: Sendable {
        var from: String
        var recipients: [String]
        /// `CURLUSESSL_ALL`: fail rather than send in clear when STARTTLS is not offered.
        var requireTLS: Bool
        var username: String?
        var password: String?
    }

    var url: String
    var smtp: SMTP?
    /// HTTP header lines, `"Name: value"` (ignored for SMTP).
    var httpHeaders: [String] = []
    /// The message (SMTP) or the request body (HTTP).
    var payload: [UInt8]
    /// Seconds for the whole transfer.
    var timeout: Double
    /// Seconds for the connection (and TLS handshake).
    var connectTimeout: Double
    /// Only the start of an answer is kept: it is read for error messages, nothing more.
    var maxResponseBytes = 16 * 1024
}

/// What one libcurl transfer produced.
struct CurlOutcome: Sendable {
    /// Raw `CURLcode` (`0` = `CURLE_OK`).
    var curlCode: UInt32
    /// libcurl's message for `curlCode`, empty on success.
    var message: String
    /// The last SMTP reply code or the HTTP status; 0 when none was received.
    var responseCode: Int
    /// The start of the response body (HTTP only).
    var body: [UInt8]
    /// Whether the transfer stopped because the calling task was cancelled.
    var cancelled: Bool

    var succeeded: Bool { curlCode == 0 }
}

/// State shared with libcurl's C callbacks during one transfer.
///
/// Passed to C unretained; `CurlEasy.perform` keeps it alive for the whole `curl_easy_perform`.
/// The buffers are only touched on the thread running the transfer; `cancel()` from any thread.
final class CurlTransferContext: @unchecked Sendable {
    private let cancelledFlag = Atomic<Bool>(false)
    private let payload: [UInt8]
    private var offset = 0
    private let maxResponseBytes: Int
    private(set) var body: [UInt8] = []

    init(payload: [UInt8], maxResponseBytes: Int) {
        self.payload = payload
        self.maxResponseBytes = maxResponseBytes
    }

    func cancel() { cancelledFlag.store(true, ordering: .releasing) }

    var isCancelled: Bool { cancelledFlag.load(ordering: .acquiring) }

    /// Copies the next payload bytes into libcurl's buffer; 0 means "end of message".
    func readPayload(into buffer: UnsafeMutableRawPointer, capacity: Int) -> Int {
        let count = min(capacity, payload.count - offset)
        guard count > 0 else { return 0 }
        payload.withUnsafeBytes { bytes in
            if let base = bytes.baseAddress { buffer.copyMemory(from: base + offset, byteCount: count) }
        }
        offset += count
        return count
    }

    func appendBody(_ bytes: UnsafeRawBufferPointer) {
        let room = maxResponseBytes - body.count
        if room > 0 { body.append(contentsOf: bytes.prefix(room)) }
    }
}

/// Runs transfers off Swift's cooperative pool.
///
/// `curl_easy_perform` blocks for up to the transfer's timeout; on this 2-core machine the
/// cooperative pool has two threads, and blocking one would stall half of the daemon. A serial
/// Dispatch queue is overcommitting on Linux, so it gets a thread of its own.
struct CurlRunner: Sendable {
    private let queue: DispatchQueue

    init(label: String) {
        self.queue = DispatchQueue(label: label)
    }

    /// Runs `transfer` on the queue and resumes the caller when it ends. Cancelling the calling
    /// task aborts the transfer within about a second (through the progress callback).
    func run(_ transfer: CurlTransfer) async -> CurlOutcome {
        let context = CurlTransferContext(payload: transfer.payload, maxResponseBytes: transfer.maxResponseBytes)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<CurlOutcome, Never>) in
                queue.async {
                    let outcome: CurlOutcome
                    if let easy = CurlEasy() {
                        outcome = withExtendedLifetime(context) { easy.perform(transfer, context: context) }
                    } else {
                        outcome = CurlOutcome(
                            curlCode: CURLE_OUT_OF_MEMORY.rawValue, message: "libcurl could not allocate a handle",
                            responseCode: 0, body: [], cancelled: false
                        )
                    }
                    continuation.resume(returning: outcome)
                }
            }
        } onCancel: {
            context.cancel()
        }
    }
}

extension CurlOutcome {
    /// The failures SMTP and HTTP share (network, TLS, timeouts, cancellation), or nil when the
    /// failure needs the protocol's own reading. `target` names the server for the message,
    /// `setting` the configuration key the operator should look at.
    func commonError(target: String, setting: String) -> NotifyError? {
        let code = CURLcode(rawValue: curlCode)
        let detail = message.isEmpty ? nil : message
        let status = responseCode > 0 ? responseCode : nil
        if cancelled || code == CURLE_ABORTED_BY_CALLBACK { return .cancelled }
        switch code {
        case CURLE_OK:
            return nil
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return NotifyError(
                .invalidSettings, "\(target): the URL cannot be used", remedy: "Check \(setting) (scheme, host and port).",
                underlying: detail)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return NotifyError(
                .connectionFailed, "\(target): the host name does not resolve",
                remedy: "Check the host name in \(setting) and this machine's DNS.", underlying: detail)
        case CURLE_COULDNT_CONNECT, CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR:
            // After an SMTP refusal (4xx/5xx reply) libcurl also says "send error": that one is
            // the server's answer, read by the protocol, not a network fault.
            if (status ?? 0) >= 400 { return nil }
            return NotifyError(
                .connectionFailed, "\(target): no connection to the server",
                remedy: "Check that the server in \(setting) runs and is reachable from this machine (port, firewall).",
                underlying: detail)
        case CURLE_OPERATION_TIMEDOUT:
            return NotifyError(
                .timedOut, "\(target): the server did not answer in time",
                remedy: "Check that the server in \(setting) answers; raise the timeout if it is only slow.",
                serverStatus: status, underlying: detail)
        case CURLE_USE_SSL_FAILED:
            return NotifyError(
                .tlsFailed, "\(target): the server does not offer STARTTLS, and TLS is required",
                remedy: "Use the server's TLS port with smtps://, or set starttls = false only for a relay on this host or a trusted network.",
                serverStatus: status, underlying: detail)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE,
             CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_INVALIDCERTSTATUS:
            return NotifyError(
                .tlsFailed, "\(target): the TLS connection failed",
                remedy: "Check the server's certificate (name, expiry, trusted CA) and the port in \(setting).",
                underlying: detail)
        case CURLE_OUT_OF_MEMORY, CURLE_FAILED_INIT:
            return NotifyError(
                .internalError, "\(target): libcurl could not start the transfer",
                remedy: "Check the machine's memory and the libcurl installation.", underlying: detail)
        default:
            return nil
        }
    }
}
