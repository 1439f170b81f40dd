/// A web element reference, as WebDriver returns it: only valid in its session, on the page
/// where it was found.
public struct ElementID: Sendable, Hashable, CustomStringConvertible {
    /// The key the W3C gives element references in JSON.
    static let key = "element-6066-11e4-a52e-4f735466cecf"

    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    init?(_ json: JSONValue) {
        guard let id = json[Self.key]?.stringValue else { return nil }
        self.rawValue = id
    }
}
