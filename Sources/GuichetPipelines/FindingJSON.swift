import Foundation

/// One finding as the model states it.
struct RawFinding: Codable, Sendable, Equatable {
    var category: String
    var statement: String
    var quote: String
}

/// Reads the model's JSON answer for a chunk of a `findings` pipeline, repairing the usual
/// breakage of small models (a code fence around it, chatter before or after, trailing commas,
/// a bare array instead of the object) before giving up with a message the model can act on.
enum FindingJSON {
    struct Problem: Error, Equatable {
        var message: String
    }

    static func parse(_ answer: String, categories: [String]) -> Result<(items: [RawFinding], dropped: Int), Problem> {
        guard let data = repaired(answer).data(using: .utf8) else { return .failure(Problem(message: "the answer is not text")) }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            return .failure(Problem(message: "the answer is not valid JSON"))
        }
        let list: [Any]
        if let dict = object as? [String: Any] {
            guard let items = dict["items"] as? [Any] ?? dict.values.first(where: { $0 is [Any] }) as? [Any] else {
                return .failure(Problem(message: "the JSON object has no \"items\" array"))
            }
            list = items
        } else if let array = object as? [Any] {
            list = array
        } else {
            return .failure(Problem(message: "the JSON is neither an object with \"items\" nor an array"))
        }
        var out: [RawFinding] = []
        var dropped = 0
        for element in list {
            guard let item = element as? [String: Any],
                  let statement = (item["statement"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines), !statement.isEmpty,
                  let rawCategory = item["category"] as? String,
                  let category = canonicalCategory(rawCategory, categories)
            else {
                dropped += 1
                continue
            }
            let quote = (item["quote"] as? String ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            out.append(RawFinding(category: category, statement: statement, quote: quote))
        }
        if out.isEmpty && dropped > 0 {
            return .failure(Problem(message: "no item has a \"category\" among \(categories) and a \"statement\""))
        }
        return .success((out, dropped))
    }

    /// The answer with a wrapping fence and surrounding chatter removed, and trailing commas
    /// (`[1, 2,]`) dropped.
    static func repaired(_ s: String) -> String {
        var t = s.trimmingCharacters(in: .whitespacesAndNewlines)
        if t.hasPrefix("```") {
            t = t.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n")
            if let end = t.range(of: "```", options: .backwards) { t = String(t[..<end.lowerBound]) }
        }
        let firstObject = t.firstIndex(of: "{")
        let firstArray = t.firstIndex(of: "[")
        let start = [firstObject, firstArray].compactMap { $0 }.min()
        let end = [t.lastIndex(of: "}"), t.lastIndex(of: "]")].compactMap { $0 }.max()
        if let start, let end, start < end { t = String(t[start...end]) }
        var out = ""
        var inString = false
        var escaped = false
        let chars = Array(t)
        for (i, c) in chars.enumerated() {
            if inString {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
                out.append(c)
                continue
            }
            if c == "\"" { inString = true }
            if c == "," {
                let next = chars[(i + 1)...].first { !$0.isWhitespace }
                if next == "}" || next == "]" { continue }
            }
            out.append(c)
        }
        return out
    }

    /// Maps "Strengths", "force", "Menace"… to the declared category ids.
    static func canonicalCategory(_ raw: String, _ categories: [String]) -> String? {
        let k = raw.lowercased().trimmingCharacters(in: .whitespaces)
        if categories.contains(k) { return k }
        let synonyms: [String: String] = [
            "strengths": "strength", "force": "strength", "forces": "strength", "s": "strength",
            "weaknesses": "weakness", "faiblesse": "weakness", "faiblesses": "weakness", "w": "weakness",
            "opportunities": "opportunity", "opportunité": "opportunity", "opportunités": "opportunity", "o": "opportunity",
            "threats": "threat", "menace": "threat", "menaces": "threat", "t": "threat",
        ]
        if let s = synonyms[k], categories.contains(s) { return s }
        if k.hasSuffix("s"), categories.contains(String(k.dropLast())) { return String(k.dropLast()) }
        return nil
    }
}
