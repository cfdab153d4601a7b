import CSodium

/// The `xkv1` framing shared by `XKeyPair` and `XKeyBox`.
enum XKeySealing {
    static let header: [UInt8] = Array("xkv1".utf8)
    static let nonceLength = Int(crypto_box_NONCEBYTES)
    static let macLength = Int(crypto_box_MACBYTES)
    static let overhead = header.count + nonceLength + macLength

    typealias Output = UnsafeMutablePointer<UInt8>
    typealias Input = UnsafePointer<UInt8>

    /// Writes header + fresh nonce, then lets `box(cipher, message, length, nonce)` fill the
    /// rest; a non-zero status from `box` is a failure.
    static func seal(
        _ message: some Collection<UInt8>,
        box: (Output, Input, UInt64, Input) -> Int32
    ) throws(NKeysError) -> [UInt8] {
        var output = header
        output.append(contentsOf: Sodium.randomBytes(nonceLength))
        output.append(contentsOf: repeatElement(0, count: macLength + message.count))
        let status: Int32 = withBytePointer(of: message) { m, length in
            output.withUnsafeMutableBufferPointer { out in
                guard let base = out.baseAddress else { return -1 }
                let nonce = base + header.count
                return box(nonce + nonceLength, m, UInt64(length), nonce)
            }
        }
        guard status == 0 else { throw NKeysError(.cryptoFailure, "xkey box could not be sealed") }
        return output
    }

    /// Checks framing, then lets `unbox(plain, cipher, length, nonce)` open; non-zero means failure.
    static func open(
        _ sealed: some Collection<UInt8>,
        unbox: (Output, Input, UInt64, Input) -> Int32
    ) throws(NKeysError) -> [UInt8] {
        guard sealed.count >= overhead else {
            throw NKeysError(.badSealedMessage, "sealed message is shorter than the xkv1 overhead")
        }
        guard sealed.starts(with: header) else {
            throw NKeysError(.badSealedMessage, "sealed message lacks the xkv1 header")
        }
        // One spare byte so the output pointer is valid even for an empty plaintext.
        var plain = [UInt8](repeating: 0, count: sealed.count - overhead + 1)
        let status: Int32 = withBytePointer(of: sealed) { input, count in
            plain.withUnsafeMutableBufferPointer { out in
                guard let out = out.baseAddress else { return -1 }
                let nonce = input + header.count
                return unbox(out, nonce + nonceLength, UInt64(count - header.count - nonceLength), nonce)
            }
        }
        guard status == 0 else { throw NKeysError(.decryptionFailed, "xkey box did not open") }
        plain.removeLast()
        return plain
    }
}
