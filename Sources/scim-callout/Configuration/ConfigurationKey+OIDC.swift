import Foundation
import OIDC

extension ConfigurationKey {
    /// The fields an `oidc.issuers` entry may have.
    static let oidcIssuerFields: Set<String> = [
        "issuer", "audiences", "algorithms", "user_claim", "scim_attribute", "clock_skew", "max_token_age",
        "refresh_interval", "stale_key_grace", "unknown_kid_interval", "groups_claim",
    ]

    /// `oidc.issuers`: a YAML list of mappings, one per issuer; from the environment, the same
    /// as a JSON array of objects.
    static func oidcIssuers(_ raw: RawValue, _ key: String) throws(ConfigurationError) -> [OIDCIssuer] {
        let records: [[String: [String]]]
        switch raw {
        case .records(let items): records = items
        case .list(let items) where items.isEmpty: return []
        case .scalar(let text) where text.trimmingCharacters(in: .whitespaces).isEmpty: return []
        case .scalar(let text):
            records = try jsonRecords(text, key)
        default:
            throw ConfigurationError(code: .invalidValue, key: key,
                                     message: "expected a list of issuer mappings (issuer:, audiences:, …) in the YAML file")
        }
        var issuers: [OIDCIssuer] = []
        for (index, record) in records.enumerated() {
            let at = "\(key)[\(index)]"
            if let unknown = record.keys.sorted().first(where: { !oidcIssuerFields.contains($0) }) {
                throw ConfigurationError(code: .unknownKey, key: "\(at).\(unknown)",
                                         message: "unknown field; expected one of \(oidcIssuerFields.sorted().joined(separator: ", "))")
            }
            func one(_ name: String) throws(ConfigurationError) -> String? {
                guard let values = record[name] else { return nil }
                guard values.count == 1 else {
                    throw ConfigurationError(code: .invalidValue, key: "\(at).\(name)", message: "expected a single value")
                }
                return values[0].trimmingCharacters(in: .whitespaces)
            }
            func span(_ name: String) throws(ConfigurationError) -> Duration? {
                guard let text = try one(name) else { return nil }
                return try duration(.scalar(text), "\(at).\(name)")
            }
            guard let issuer = try one("issuer"), !issuer.isEmpty else {
                throw ConfigurationError(code: .invalidValue, key: "\(at).issuer", message: "is required")
            }
            guard OIDCAddress.isAcceptable(issuer) else {
                throw ConfigurationError(code: .invalidValue, key: "\(at).issuer",
                                         message: "must be an https URL (plain http only on loopback), got \"\(issuer)\"")
            }
            let audiences = (record["audiences"] ?? []).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !audiences.isEmpty else {
                throw ConfigurationError(code: .invalidValue, key: "\(at).audiences",
                                         message: "is required: the aud values (client or API ids) tokens must name")
            }
            var algorithms = TokenAlgorithm.defaultAllowed
            if let names = record["algorithms"] {
                algorithms = []
                for name in names {
                    guard let algorithm = TokenAlgorithm.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else {
                        let allowed = TokenAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")
                        throw ConfigurationError(code: .invalidValue, key: "\(at).algorithms",
                                                 message: "\"\(name)\" is never accepted (none and HMAC are refused); use \(allowed)")
                    }
                    algorithms.insert(algorithm)
                }
                guard !algorithms.isEmpty else {
                    throw ConfigurationError(code: .invalidValue, key: "\(at).algorithms", message: "must name at least one algorithm")
                }
            }
            let claim = try one("user_claim") ?? "sub"
            guard !claim.isEmpty else { throw ConfigurationError(code: .invalidValue, key: "\(at).user_claim", message: "must not be empty") }
            var attribute = SCIMUserAttribute.userName
            if let text = try one("scim_attribute") {
                guard let parsed = SCIMUserAttribute.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else {
                    throw ConfigurationError(code: .invalidValue, key: "\(at).scim_attribute",
                                             message: "expected userName, externalId or email, got \"\(text)\"")
                }
                attribute = parsed
            }
            let skew = try span("clock_skew") ?? .seconds(60)
            guard skew <= .seconds(300) else {
                throw ConfigurationError(code: .invalidValue, key: "\(at).clock_skew", message: "must be at most 5m")
            }
            issuers.append(OIDCIssuer(
                issuer: issuer, audiences: audiences, algorithms: algorithms,
                mapping: ClaimMapping(claim: claim, attribute: attribute), clockSkew: skew,
                maxTokenAge: try span("max_token_age"), refreshInterval: try span("refresh_interval") ?? .seconds(3600),
                staleKeyGrace: try span("stale_key_grace") ?? .seconds(86_400),
                unknownKeyFetchInterval: try span("unknown_kid_interval") ?? .seconds(30),
                narrowingClaim: try one("groups_claim")))
        }
        if Set(issuers.map(\.issuer)).count != issuers.count {
            throw ConfigurationError(code: .invalidValue, key: key, message: "an issuer is listed twice")
        }
        return issuers
    }

    /// `[{"issuer": "…", "audiences": ["…"]}, …]`: each value a string, number or list of them.
    private static func jsonRecords(_ text: String, _ key: String) throws(ConfigurationError) -> [[String: [String]]] {
        let invalid = ConfigurationError(code: .invalidValue, key: key,
                                         message: "expected a JSON array of issuer objects, e.g. [{\"issuer\":\"https://…\",\"audiences\":[\"…\"]}]")
        guard let array = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any] else { throw invalid }
        var records: [[String: [String]]] = []
        for element in array {
            guard let object = element as? [String: Any] else { throw invalid }
            var record: [String: [String]] = [:]
            for (name, value) in object {
                switch value {
                case let string as String: record[name] = [string]
                case let number as NSNumber: record[name] = [number.stringValue]
                case let list as [Any]: record[name] = list.map { "\($0)" }
                default: throw invalid
                }
            }
            records.append(record)
        }
        return records
    }
}
