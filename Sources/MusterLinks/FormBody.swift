// Reading a POST body: `application/x-www-form-urlencoded` fields, as the pages' forms and RFC 8058 send them.

/// The fields of a urlencoded form. Any other body (an RFC 8058 client may send multipart/form-data)
/// yields no fields, which the handlers read as "do what the token says".
public struct FormBody: Sendable {
    public var fields: [String: String] = [:]

    public init(contentType: String?, body: String) {
        guard contentType?.lowercased().hasPrefix("application/x-www-form-urlencoded") ?? true else { return }
        for pair in body.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = Self.decode(kv[0]) else { continue }
            let value = kv.count > 1 ? Self.decode(kv[1]) : ""
            if let value, fields[key] == nil { fields[key] = value }
        }
    }

    public subscript(_ key: String) -> String? { fields[key] }

    /// `+` is a space, `%XX` a byte; nil when the result is not UTF-8 or an escape is broken.
    static func decode(_ s: Substring) -> String? {
        var bytes: [UInt8] = []
        var it = s.utf8.makeIterator()
        while let c = it.next() {
            switch c {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let h = it.next().flatMap(hex), let l = it.next().flatMap(hex) else { return nil }
                bytes.append(h << 4 | l)
            default: bytes.append(c)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
