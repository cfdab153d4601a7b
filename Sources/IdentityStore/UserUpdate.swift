/// A replacement for a user computed from its current state (PUT or PATCH).
public struct UserUpdate: Sendable, Equatable, Codable {
    public var input: UserInput
    public var password: PasswordUpdate

    public init(input: UserInput, password: PasswordUpdate = .keep) {
        self.input = input
        self.password = password
    }
}
