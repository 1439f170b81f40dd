import Foundation
import GuichetDOCX

/// The entries of a package, read through ``ZipReader`` (limits, safe names, structure
/// check) from bytes already in memory, with errors mapped to ``DOCXTextError``.
final class PackageEntries {
    private let reader: ZipReader
    let names: [String]
    /// Compressed size per entry name (tests check untouched entries keep their compression).
    let compressedSizes: [String: UInt64]

    private init(_ reader: ZipReader) {
        self.reader = reader
        names = reader.entries.map(\.name)
        compressedSizes = Dictionary(reader.entries.map { ($0.name, $0.compressedSize) }, uniquingKeysWith: { a, _ in a })
    }

    func data(named name: String) throws(DOCXTextError) -> Data {
        Data(try bytes(named: name))
    }

    func bytes(named name: String) throws(DOCXTextError) -> [UInt8] {
        do { return try reader.bytes(named: name) } catch let error as ZipError {
            throw DOCXTextError.from(error)
        } catch {
            throw DOCXTextError(.unreadable, "\(name): \(error)")
        }
    }

    /// Opens the package held in `data`; `label` names it in errors.
    static func open(_ data: Data, label: String, limits: ZipLimits) throws(DOCXTextError) -> PackageEntries {
        do {
            return PackageEntries(try ZipReader(data: data, label: label, limits: limits))
        } catch let error as ZipError {
            throw DOCXTextError.from(error)
        } catch {
            throw DOCXTextError(.unreadable, "\(label): \(error)")
        }
    }

    /// Reads the file at `url` and opens it.
    static func open(_ url: URL, limits: ZipLimits) throws(DOCXTextError) -> PackageEntries {
        do {
            return PackageEntries(try ZipReader(url: url, limits: limits))
        } catch let error as ZipError {
            throw DOCXTextError.from(error)
        } catch {
            throw DOCXTextError(.unreadable, "\(url.lastPathComponent): \(error)")
        }
    }
}
