import Foundation
import TOMLKit

extension TableReader {
    mutating func problem(_ key: String, _ reason: String) {
        problems.append(.init(key: key, reason: reason))
    }

    mutating func unknown(_ key: String, _ known: [String]) {
        let last = key.split(separator: ".").last.map(String.init) ?? key
        let hint = known.min { distance($0, last) < distance($1, last) }
        if let hint, distance(hint, last) <= 3 {
            problem(key, "unknown key; did you mean '\(hint)'?")
        } else {
            problem(key, "unknown key; known keys here: \(known.joined(separator: ", "))")
        }
    }

    func entries(_ t: TOMLTable, _ prefix: String) -> [(String, TOMLValueConvertible, String)] {
        t.keys.map { k in (k, t[k]!, "\(prefix).\(k)") }
    }

    mutating func table(_ v: TOMLValueConvertible, _ key: String) -> TOMLTable? {
        if let t = v.table { return t }
        problem(key, "must be a table ([\(key)]); got \(v.type)")
        return nil
    }

    mutating func string(_ v: TOMLValueConvertible, _ key: String, nonEmpty: Bool = false) -> String? {
        guard let s = v.string else {
            problem(key, "must be a string in quotes; got \(v.type)")
            return nil
        }
        if nonEmpty && s.trimmingCharacters(in: .whitespaces).isEmpty {
            problem(key, "must not be empty")
            return nil
        }
        return s
    }

    mutating func bool(_ v: TOMLValueConvertible, _ key: String) -> Bool? {
        if let b = v.bool { return b }
        problem(key, "must be true or false; got \(v.type)")
        return nil
    }

    mutating func int(_ v: TOMLValueConvertible, _ key: String, _ range: ClosedRange<Int>) -> Int? {
        guard let i = v.int else {
            problem(key, "must be a whole number between \(range.lowerBound) and \(range.upperBound); got \(v.type)")
            return nil
        }
        guard range.contains(i) else {
            problem(key, "must be between \(range.lowerBound) and \(range.upperBound); got \(i)")
            return nil
        }
        return i
    }

    mutating func number(_ v: TOMLValueConvertible, _ key: String, _ range: ClosedRange<Double>) -> Double? {
        let d: Double? = v.double ?? v.int.map(Double.init)
        guard let d else {
            problem(key, "must be a number between \(range.lowerBound) and \(range.upperBound); got \(v.type)")
            return nil
        }
        guard range.contains(d) else {
            problem(key, "must be between \(range.lowerBound) and \(range.upperBound); got \(d)")
            return nil
        }
        return d
    }

    mutating func validateURL(_ s: String, key: String) {
        guard let u = URL(string: s), let scheme = u.scheme, ["http", "https"].contains(scheme), u.host != nil else {
            problem(key, "must be an http(s) URL such as http://127.0.0.1:8089/v1; got \"\(s)\"")
            return
        }
    }

    private func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        for i in 1...a.count {
            var cur = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return prev[b.count]
    }
}
