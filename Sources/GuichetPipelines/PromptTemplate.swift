/// Fills `{{name}}` slots of a pipeline's prompt in one pass over the template, so that text
/// coming from a document (which may itself contain `{{language}}`, as Liquid templates do) is
/// never interpreted as a slot.
public struct PromptTemplate: Sendable, Equatable {
    public let template: String

    public init(_ template: String) { self.template = template }

    /// Unknown slots are left as they are.
    public func render(_ values: [String: String]) -> String {
        var out = ""
        out.reserveCapacity(template.utf8.count)
        var rest = template[...]
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.range(of: "}}") else {
                out += rest[open.lowerBound...]
                return out
            }
            let name = afterOpen[..<close.lowerBound].trimmingCharactersInSet()
            if let v = values[name] {
                out += v
            } else {
                out += rest[open.lowerBound..<close.upperBound]
            }
            rest = afterOpen[close.upperBound...]
        }
        out += rest
        return out
    }
}

extension Substring {
    fileprivate func trimmingCharactersInSet() -> String {
        String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
