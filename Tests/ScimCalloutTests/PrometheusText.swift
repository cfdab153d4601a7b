import Foundation

/// A strict reader of the Prometheus text exposition format (0.0.4), for checking `/metrics`.
struct PrometheusText {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    enum ParseError: Error, CustomStringConvertible {
        case badLine(Int, String)
        var description: String {
            switch self { case let .badLine(number, line): "line \(number) is not valid exposition format: \(line)" }
        }
    }

    var samples: [Sample] = []
    var types: [String: String] = [:]

    init(_ text: String) throws {
        let name = "[a-zA-Z_:][a-zA-Z0-9_:]*"
        let value = "(?:[-+]?(?:[0-9]+(?:\\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\\.[0-9]+)|[-+]?Inf|NaN)"
        let label = "[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\""
        let sample = try Regex("^(\(name))(?:\\{((?:\(label))(?:,\(label))*,?)?\\})? (\(value))(?: -?[0-9]+)?$")
        let type = try Regex("^# TYPE (\(name)) (counter|gauge|histogram|summary|untyped)$")
        let help = try Regex("^# HELP \(name)(?: .*)?$")
        let labelPair = try Regex("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"")
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty { continue }
            if let match = try type.wholeMatch(in: line) {
                types[String(match.output[1].substring ?? "")] = String(match.output[2].substring ?? "")
            } else if try help.wholeMatch(in: line) != nil {
                continue
            } else if let match = try sample.wholeMatch(in: line) {
                var labels: [String: String] = [:]
                if let text = match.output[2].substring {
                    for pair in text.matches(of: labelPair) {
                        labels[String(pair.output[1].substring ?? "")] = String(pair.output[2].substring ?? "")
                    }
                }
                let raw = String(match.output[3].substring ?? "")
                let number = raw.hasSuffix("Inf") ? (raw.hasPrefix("-") ? -Double.infinity : .infinity) : Double(raw)
                guard let number else { throw ParseError.badLine(index + 1, String(line)) }
                samples.append(Sample(name: String(match.output[1].substring ?? ""), labels: labels, value: number))
            } else {
                throw ParseError.badLine(index + 1, String(line))
            }
        }
    }

    /// Samples of one metric, optionally filtered by labels.
    func values(_ name: String, _ labels: [String: String] = [:]) -> [Double] {
        samples.filter { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }.map(\.value)
    }
}
