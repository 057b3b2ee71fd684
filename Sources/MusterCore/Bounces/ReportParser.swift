// Reading an untrusted received message as a DSN or a feedback report, in bounded time and memory.
import Foundation

/// Finds the `multipart/report` in a received message and reads it into a `ReceivedReport`.
///
/// Untrusted input: only the first `maxBytes` are looked at (a report's status part comes before
/// the returned message, so a 20 MB bounce of a large message still reads), MIME nesting stops at
/// `maxDepth` and the walk at `maxParts`, each with its own error; every field read is bounded by
/// `MailHeaderBlock`. The work is linear in the bytes looked at.
///
///     let report = try ReportParser.parse(Array(data))
///     report.verdict.bounceClass      // .permanent
public enum ReportParser {
    public static let maxBytes = 4 * 1024 * 1024
    public static let maxDepth = 8
    public static let maxParts = 256
    static let maxRecipients = 100

    public static func parse(_ message: [UInt8]) throws(ReportParseError) -> ReceivedReport {
        let bytes = message.prefix(maxBytes)
        guard let (top, bodyStart) = MailHeaderBlock.parse(bytes[...]), !top.fields.isEmpty,
              top.fields.contains(where: { Self.messageFields.contains($0.name) })
        else { throw .notAMessage }
        var walk = Walk()
        guard let found = try walk.findReport(headers: top, body: bytes[bodyStart...], depth: 0) else {
            throw .notAReport(ContentType(top.first("content-type")).type)
        }
        var report = try read(found)
        report.reportMessageID = top.first("message-id").map(cleanID)
        for name in ["delivered-to", "x-original-to", "envelope-to", "to"] {
            report.tokenAddresses += top.all(name).flatMap(addresses)
        }
        if let returned = found.returned {
            if report.originalMessageID == nil { report.originalMessageID = returned.first("message-id").map(cleanID) }
            report.tokenAddresses += returned.all("return-path").flatMap(addresses)
            report.recipients += returned.all("to").flatMap(addresses).map { $0.lowercased() }
        }
        return report
    }

    /// Fields that make a header block a message's (any of them will do: reports come from many programs).
    static let messageFields: Set<String> = ["from", "to", "subject", "date", "message-id", "content-type", "mime-version", "return-path", "received"]

    /// The parts of a multipart/report that muster reads.
    struct Found {
        var reportType: String
        var statusHeaders: MailHeaderBlock
        var statusBody: [UInt8]
        var returned: MailHeaderBlock?
    }

    struct Walk {
        var parts = 0

        /// Depth-first, the first multipart/report wins.
        mutating func findReport(headers: MailHeaderBlock, body: ArraySlice<UInt8>, depth: Int) throws(ReportParseError) -> Found? {
            let ct = ContentType(headers.first("content-type"))
            guard ct.type.hasPrefix("multipart/") else { return nil }
            guard depth < ReportParser.maxDepth else { throw .tooDeep(ReportParser.maxDepth) }
            guard let boundary = ct.parameters["boundary"], !boundary.isEmpty, boundary.utf8.count <= 200 else { return nil }
            let children = try split(body, boundary: Array(boundary.utf8))
            var parsed: [(MailHeaderBlock, ArraySlice<UInt8>)] = []
            for child in children {
                guard let (h, start) = MailHeaderBlock.parse(child) else { parsed.append((MailHeaderBlock(), child)); continue }
                parsed.append((h, child[start...]))
            }
            if ct.type == "multipart/report" {
                let type = (ct.parameters["report-type"] ?? "").lowercased()
                let wanted: Set<String> = type == "feedback-report"
                    ? ["message/feedback-report"]
                    : ["message/delivery-status", "message/global-delivery-status"]
                guard type == "delivery-status" || type == "feedback-report" else {
                    throw .notAReport("multipart/report; report-type=\(type.prefix(40))")
                }
                guard let status = parsed.first(where: { wanted.contains(ContentType($0.0.first("content-type")).type) }) else {
                    throw .noStatusPart(type)
                }
                var returned: MailHeaderBlock?
                if let r = parsed.first(where: { ["message/rfc822", "text/rfc822-headers", "message/rfc822-headers", "message/global", "message/global-headers"]
                    .contains(ContentType($0.0.first("content-type")).type) }) {
                    let decoded = ReportParser.decode(r.1, encoding: r.0.first("content-transfer-encoding"))
                    returned = MailHeaderBlock.parse(decoded[...])?.block
                }
                return Found(reportType: type, statusHeaders: status.0,
                             statusBody: ReportParser.decode(status.1, encoding: status.0.first("content-transfer-encoding")),
                             returned: returned)
            }
            for (h, b) in parsed {
                if let f = try findReport(headers: h, body: b, depth: depth + 1) { return f }
            }
            return nil
        }

        /// The parts between `--boundary` lines (RFC 2046 5.1.1); a missing close delimiter ends at the end.
        mutating func split(_ body: ArraySlice<UInt8>, boundary: [UInt8]) throws(ReportParseError) -> [ArraySlice<UInt8>] {
            let delimiter = [UInt8(ascii: "-"), UInt8(ascii: "-")] + boundary
            var result: [ArraySlice<UInt8>] = []
            var partStart: Int?
            var i = body.startIndex
            while i < body.endIndex {
                var j = i
                while j < body.endIndex, body[j] != 0x0A { j += 1 }
                let next = j < body.endIndex ? j + 1 : j
                if body[i] == UInt8(ascii: "-"), j - i >= delimiter.count, body[i..<(i + delimiter.count)].elementsEqual(delimiter) {
                    let rest = body[(i + delimiter.count)..<j]
                    let closing = rest.starts(with: [UInt8(ascii: "-"), UInt8(ascii: "-")])
                    if closing || rest.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                        if let s = partStart {
                            // The line end before the delimiter belongs to the delimiter.
                            var e = i
                            if e > s, body[e - 1] == 0x0A { e -= 1 }
                            if e > s, body[e - 1] == 0x0D { e -= 1 }
                            result.append(body[s..<e])
                            parts += 1
                            guard parts <= ReportParser.maxParts else { throw .tooManyParts(ReportParser.maxParts) }
                        }
                        if closing { return result }
                        partStart = next
                    }
                }
                i = next
            }
            if let s = partStart, s < body.endIndex {
                result.append(body[s...])
                parts += 1
                guard parts <= ReportParser.maxParts else { throw .tooManyParts(ReportParser.maxParts) }
            }
            return result
        }
    }

    static func read(_ found: Found) throws(ReportParseError) -> ReceivedReport {
        let body = found.statusBody[...]
        guard let (first, afterFirst) = MailHeaderBlock.parse(body) else { throw .noStatusPart(found.reportType) }
        if found.reportType == "feedback-report" {
            guard let type = first.first("feedback-type")?.lowercased(), !type.isEmpty else { throw .noFeedbackType }
            var r = ReceivedReport(kind: .feedback(type: String(type.prefix(40))))
            r.tokenAddresses = first.all("original-mail-from").flatMap(addresses)
            r.recipients = first.all("original-rcpt-to").flatMap(addresses).map { $0.lowercased() }
            return r
        }
        // Per-message fields, then one block per recipient.
        var statuses: [RecipientStatus] = []
        var tokenAddresses: [String] = []
        var recipients: [String] = []
        var blocks: [MailHeaderBlock] = [first]
        var at = afterFirst
        while at < body.endIndex, blocks.count <= maxRecipients {
            // Extra blank lines between blocks are allowed.
            while at < body.endIndex, body[at] == 0x0D || body[at] == 0x0A { at += 1 }
            guard at < body.endIndex, let (b, next) = MailHeaderBlock.parse(body[at...]), next > at else { break }
            blocks.append(b)
            at = next
        }
        for b in blocks {
            tokenAddresses += b.all("x-postfix-sender").flatMap { typedAddress($0).map { [$0] } ?? [] }
            guard let action = b.first("action")?.lowercased() else { continue }
            let final = b.first("final-recipient").flatMap { typedAddress($0) }
            let original = b.first("original-recipient").flatMap { typedAddress($0) }
            recipients += [final, original].compactMap { $0 }
            statuses.append(RecipientStatus(
                finalRecipient: final, originalRecipient: original,
                action: String(action.split(separator: " ").first ?? "").prefix(20).description,
                status: b.first("status").flatMap(statusCode),
                diagnostic: b.first("diagnostic-code").map { String($0.prefix(300)) }))
        }
        guard !statuses.isEmpty else { throw .noRecipients }
        var r = ReceivedReport(kind: .delivery(statuses))
        r.tokenAddresses = tokenAddresses
        r.recipients = recipients
        return r
    }

    /// `5.1.1` from `5.1.1 (bad destination mailbox address)`; nil when it is not class.subject.detail.
    static func statusCode(_ value: String) -> String? {
        let code = value.prefix { !$0.isWhitespace && $0 != "(" }
        let parts = code.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, ["2", "4", "5"].contains(parts[0]),
              parts[1...].allSatisfy({ (1...3).contains($0.count) && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        else { return nil }
        return String(code)
    }

    /// The address of `rfc822; ann@example.com`, lowercased; nil for another address type or none.
    static func typedAddress(_ value: String) -> String? {
        guard let semi = value.firstIndex(of: ";") else { return addresses(value).first?.lowercased() }
        let type = value[..<semi].trimmingCharacters(in: .whitespaces).lowercased()
        guard type == "rfc822" || type == "utf-8" else { return nil }
        return addresses(String(value[value.index(after: semi)...])).first?.lowercased()
    }

    /// The addresses in a header value: `<a@b>` forms, or bare `a@b` words; at most 20.
    static func addresses(_ value: String) -> [String] {
        var out: [String] = []
        for piece in value.split(separator: ",").prefix(20) {
            var p = piece.trimmingCharacters(in: .whitespaces)
            if let open = p.lastIndex(of: "<"), let close = p.lastIndex(of: ">"), open < close {
                p = String(p[p.index(after: open)..<close])
            }
            p = p.trimmingCharacters(in: .whitespaces)
            if p.contains("@"), p.utf8.count <= 254, !p.contains(" ") { out.append(p) }
        }
        return out
    }

    /// `<abc@example.org>` with whatever surrounds it removed.
    static func cleanID(_ value: String) -> String {
        let v = value.trimmingCharacters(in: .whitespaces)
        if let open = v.firstIndex(of: "<"), let close = v[open...].firstIndex(of: ">") { return String(v[open...close]) }
        return String(v.prefix(250))
    }

    /// A part's body with its transfer encoding undone (base64, quoted-printable); as it is otherwise.
    static func decode(_ body: ArraySlice<UInt8>, encoding: String?) -> [UInt8] {
        switch encoding?.lowercased() {
        case "base64"?:
            return Data(base64Encoded: Data(body), options: .ignoreUnknownCharacters).map { Array($0) } ?? Array(body)
        case "quoted-printable"?:
            var out: [UInt8] = []
            out.reserveCapacity(body.count)
            var i = body.startIndex
            func hex(_ b: UInt8) -> UInt8? {
                switch b {
                case 0x30...0x39: b - 0x30
                case 0x41...0x46: b - 0x37
                case 0x61...0x66: b - 0x57
                default: nil
                }
            }
            while i < body.endIndex {
                let b = body[i]
                if b == UInt8(ascii: "="), i + 1 < body.endIndex {
                    if body[i + 1] == 0x0A { i += 2; continue }
                    if body[i + 1] == 0x0D, i + 2 < body.endIndex, body[i + 2] == 0x0A { i += 3; continue }
                    if i + 2 < body.endIndex, let h = hex(body[i + 1]), let l = hex(body[i + 2]) {
                        out.append(h << 4 | l); i += 3; continue
                    }
                }
                out.append(b); i += 1
            }
            return out
        default:
            return Array(body)
        }
    }
}
