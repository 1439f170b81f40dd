import Foundation
import Hummingbird
import MultipartKit
import NIOCore

/// Reads a POST body as `application/x-www-form-urlencoded` or `multipart/form-data`.
enum FormParser {
    static func parse(body: ByteBuffer, contentType: String?) throws -> FormInput {
        let type = contentType?.lowercased() ?? ""
        if type.hasPrefix("application/x-www-form-urlencoded") {
            return FormInput(fields: try urlEncoded(String(buffer: body)))
        }
        if type.hasPrefix("multipart/form-data"), let boundary = boundary(contentType ?? "") {
            return try multipart(body, boundary: boundary)
        }
        throw HTTPError(.unsupportedMediaType, message: "a form is expected")
    }

    static func urlEncoded(_ s: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for pair in s.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = decode(kv[0]) else { throw HTTPError(.badRequest, message: "malformed form") }
            guard let value = kv.count > 1 ? decode(kv[1]) : "" else { throw HTTPError(.badRequest, message: "malformed form") }
            out[key] = value
        }
        return out
    }

    /// `+` is a space in forms, then percent-decoding (Foundation's, which refuses bad escapes).
    static func decode(_ s: Substring) -> String? {
        s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    static func boundary(_ contentType: String) -> String? {
        for param in contentType.split(separator: ";").dropFirst() {
            let kv = param.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" else { continue }
            let b = kv[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return b.isEmpty || b.count > 200 ? nil : b
        }
        return nil
    }

    /// Multipart parts through MultipartKit's streaming parser; a part with a file name is a
    /// file, any other part a text field.
    static func multipart(_ body: ByteBuffer, boundary: String) throws -> FormInput {
        let parser = MultipartParser(boundary: boundary)
        var form = FormInput()
        var headers: [String: String] = [:]
        var bytes: [UInt8] = []
        var failure: Error?
        parser.onHeader = { name, value in headers[name.lowercased()] = value }
        parser.onBody = { buffer in bytes += buffer.readBytes(length: buffer.readableBytes) ?? [] }
        parser.onPartComplete = {
            defer { headers = [:]; bytes = [] }
            guard let disposition = headers["content-disposition"], let name = parameter("name", in: disposition) else {
                failure = HTTPError(.badRequest, message: "a form part has no name")
                return
            }
            if let fileName = parameter("filename", in: disposition) {
                form.files[name] = .init(fileName: fileName, contentType: headers["content-type"], data: bytes)
            } else {
                form.fields[name] = String(decoding: bytes, as: UTF8.self)
            }
        }
        do { try parser.execute(body) } catch { throw HTTPError(.badRequest, message: "malformed multipart form") }
        if let failure { throw failure }
        return form
    }

    static func parameter(_ key: String, in header: String) -> String? {
        for part in header.split(separator: ";").dropFirst() {
            let kv = part.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces).lowercased() == key else { continue }
            var v = kv[1].trimmingCharacters(in: .whitespaces)
            if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = String(v.dropFirst().dropLast()) }
            return v
        }
        return nil
    }
}
