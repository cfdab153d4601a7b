import Hummingbird
import SCIM

/// A route may return a SCIM document as it is; the context's ``SCIMResponseEncoder`` writes it.
extension JSONValue: ResponseEncodable {}
