// Quoted-printable bodies (RFC 2045 6.7) with CRLF line ends and soft breaks at 76 octets.
import Foundation

/// Line-end normalisation and quoted-printable encoding for message bodies.
public enum QuotedPrintable {
    /// Turns CRLF, a bare CR and a bare LF all into CRLF, and NUL into a space, so that no body
    /// can carry a line end the SMTP layer would treat differently from its neighbours (no smuggling).
    public static func normalizeLines(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 64)
        var previousCR = false
        for b in text.utf8 {
            switch b {
            case 0x0D:
                out.append(0x0D); out.append(0x0A)
                previousCR = true
            case 0x0A:
                if !previousCR { out.append(0x0D); out.append(0x0A) }
                previousCR = false
            case 0x00:
                out.append(0x20); previousCR = false
            default:
                out.append(b); previousCR = false
            }
        }
        return out
    }

    static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// Encodes `text` (any line ends) as quoted-printable lines joined by CRLF, each at most
    /// 76 octets with its soft-break `=`. Ends with CRLF when the text ends with a line end.
    public static func encode(_ text: String) -> [UInt8] {
        let normalized = normalizeLines(text)
        var out: [UInt8] = []
        out.reserveCapacity(normalized.count + normalized.count / 8 + 16)
        var lineStart = 0
        var i = 0
        func encodeLine(_ line: ArraySlice<UInt8>) {
            var col = 0
            let last = line.endIndex - 1
            for j in line.indices {
                let b = line[j]
                let isTrailingSpace = (b == 0x20 || b == 0x09) && j == last
                let literal = (b >= 0x21 && b <= 0x7E && b != 0x3D) || ((b == 0x20 || b == 0x09) && !isTrailingSpace)
                let width = literal ? 1 : 3
                // Leave room for the soft-break "=" unless this is the line's last octet.
                let room = j == last ? 76 : 75
                if col + width > room {
                    out.append(0x3D); out.append(0x0D); out.append(0x0A)
                    col = 0
                }
                if literal {
                    out.append(b)
                } else {
                    out.append(0x3D)
                    out.append(hexDigits[Int(b >> 4)])
                    out.append(hexDigits[Int(b & 0x0F)])
                }
                col += width
            }
        }
        while i < normalized.count {
            if normalized[i] == 0x0D, i + 1 < normalized.count, normalized[i + 1] == 0x0A {
                encodeLine(normalized[lineStart..<i])
                out.append(0x0D); out.append(0x0A)
                i += 2
                lineStart = i
            } else {
                i += 1
            }
        }
        if lineStart < normalized.count {
            encodeLine(normalized[lineStart..<normalized.count])
        }
        return out
    }
}
