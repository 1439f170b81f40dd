import GuichetDOCX

/// Limits applied when loading a .docx, on top of the zip limits.
public struct DOCXTextLimits: Sendable {
    /// Limits of the zip layer (entries, total size, compression ratio).
    public var zip: ZipLimits
    /// Maximum number of package parts (zip entries). Real documents have tens, rarely a few
    /// hundred (many images); thousands means a crafted file.
    public var maxParts: Int

    public init(zip: ZipLimits = .default, maxParts: Int = 2_000) {
        self.zip = zip
        self.maxParts = maxParts
    }
}
