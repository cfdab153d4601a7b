import NIOCore

extension NATSHeaders {
    static let versionLine: [UInt8] = Array("NATS/1.0".utf8)

    /// Parses an `HMSG` header block: `NATS/1.0[ status[ description]]\r\n`, then
    /// `Name: value\r\n` lines, then an empty line. `block` holds exactly the header bytes.
    static func parse(block: ByteBuffer) throws(NATSProtocolError) -> NATSHeaders {
        let bytes = block.readableBytesView
        guard bytes.count >= versionLine.count + 4,
              bytes.starts(with: versionLine),
              bytes.suffix(4).elementsEqual([.cr, .lf, .cr, .lf])
        else { throw NATSProtocolError(.invalidHeaderBlock, "header block must start with NATS/1.0 and end with an empty line") }

        var headers = NATSHeaders()
        var lineStart = bytes.startIndex
        var isFirstLine = true
        while lineStart < bytes.endIndex {
            guard let cr = bytes[lineStart...].firstIndex(of: .cr),
                  bytes.index(after: cr) < bytes.endIndex, bytes[bytes.index(after: cr)] == .lf
            else { throw NATSProtocolError(.invalidHeaderBlock, "header line without CRLF") }
            let line = bytes[lineStart..<cr]
            lineStart = bytes.index(cr, offsetBy: 2)
            if isFirstLine {
                isFirstLine = false
                try headers.parseStatus(line.dropFirst(versionLine.count))
                continue
            }
            if line.isEmpty {
                guard lineStart == bytes.endIndex else {
                    throw NATSProtocolError(.invalidHeaderBlock, "data after the end of the header block")
                }
                break
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                throw NATSProtocolError(.invalidHeaderBlock, "header line without a colon")
            }
            let name = line[line.startIndex..<colon]
            guard !name.isEmpty, name.allSatisfy(Self.isNameByte) else {
                throw NATSProtocolError(.invalidHeaderBlock, "empty or invalid header name")
            }
            let value = line[line.index(after: colon)...].trimmingBlanks()
            headers.add(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
        }
        return headers
    }

    private mutating func parseStatus(_ rest: ByteBufferView.SubSequence) throws(NATSProtocolError) {
        let rest = rest.trimmingBlanks()
        guard !rest.isEmpty else { return }
        let digits = rest.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        guard digits.count == 3, let code = Int(String(decoding: digits, as: UTF8.self)) else {
            throw NATSProtocolError(.invalidHeaderBlock, "status must be three digits after NATS/1.0")
        }
        let description = rest.dropFirst(3)
        guard description.isEmpty || description.first == .space || description.first == .tab else {
            throw NATSProtocolError(.invalidHeaderBlock, "status must be three digits after NATS/1.0")
        }
        statusCode = code
        let text = description.trimmingBlanks()
        statusDescription = text.isEmpty ? nil : String(decoding: text, as: UTF8.self)
    }

    /// A header name is printable ASCII without `:`, as in RFC 7230 field names.
    static func isNameByte(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: ":")
    }

    /// Checks that the headers can be sent without corrupting the frame.
    func validateForSending() throws {
        for field in fields {
            guard !field.name.isEmpty, field.name.utf8.allSatisfy(Self.isNameByte) else {
                throw NATSClientError(.invalidHeader, "header names must be printable ASCII without ':' or spaces")
            }
            guard !field.value.utf8.contains(where: { $0 == .cr || $0 == .lf }) else {
                throw NATSClientError(.invalidHeader, "header value of \(field.name) contains a line break")
            }
        }
        if let statusDescription, statusDescription.utf8.contains(where: { $0 == .cr || $0 == .lf }) {
            throw NATSClientError(.invalidHeader, "status description contains a line break")
        }
    }

    /// Writes the header block (including the closing empty line); returns the bytes written.
    @discardableResult
    func write(to buffer: inout ByteBuffer) -> Int {
        var written = buffer.writeBytes(Self.versionLine)
        if let statusCode {
            written += buffer.writeString(" \(statusCode)")
            if let statusDescription { written += buffer.writeString(" \(statusDescription)") }
        }
        written += buffer.writeBytes([UInt8.cr, .lf])
        for field in fields {
            written += buffer.writeString(field.name)
            written += buffer.writeBytes([UInt8(ascii: ":"), .space])
            written += buffer.writeString(field.value)
            written += buffer.writeBytes([UInt8.cr, .lf])
        }
        written += buffer.writeBytes([UInt8.cr, .lf])
        return written
    }
}

extension UInt8 {
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
}

extension BidirectionalCollection where Element == UInt8, SubSequence == Self {
    /// The collection without leading and trailing spaces and tabs.
    func trimmingBlanks() -> SubSequence {
        var slice = self
        while let first = slice.first, first == .space || first == .tab { slice = slice.dropFirst() }
        while let last = slice.last, last == .space || last == .tab { slice = slice.dropLast() }
        return slice
    }
}
