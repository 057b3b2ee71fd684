// Text from data made safe to print on a terminal: no control character reaches it raw.
import Foundation

/// Every command that prints data (a member's name, a subject, a rule's file name, a relay's reply, a CSV
/// value quoted in an error) passes it through `visible(_:)` first, so a name such as
/// `"Esc\u{1B}[31mRED\u{1B}]0;pwned\u{07}"` cannot colour the screen, retitle the window or ring the bell.
///
/// | in the data                                        | printed as                          |
/// |----------------------------------------------------|-------------------------------------|
/// | C0 controls U+0000-U+001F (ESC, BEL, CR, LF, TAB)  | their control picture: `␛ ␇ ␍ ␊ ␉`   |
/// | DEL U+007F                                         | `␡`                                 |
/// | C1 controls U+0080-U+009F (CSI U+009B, OSC U+009D) | `\u{9B}`, `\u{9D}`                  |
/// | line and paragraph separators U+2028, U+2029       | `\u{2028}`, `\u{2029}`              |
/// | bidirectional overrides and isolates U+202A-U+202E, U+2066-U+2069 | `\u{202E}` ...     |
///
///     TerminalText.visible("Esc\u{1B}[31mRED\u{07}")   // "Esc␛[31mRED␇"
///
/// Make the text visible before cutting it to a column (`pad` in the commands does): a cut may then
/// shorten the text, but never leaves half an escape sequence for the terminal to act on.
/// Printable text, in any script, passes unchanged.
/// `visibleLines(_:)` keeps line feeds (and tabs), for messages of several lines that muster itself joins.
public enum TerminalText {
    /// `s` with every control character written visibly (see the table above); the result holds no
    /// scalar below U+0020, no U+007F and no C1 control.
    public static func visible(_ s: String) -> String {
        rewrite(s, keepLines: false)
    }

    /// As `visible(_:)`, but line feeds and tabs stay: for error texts of several lines.
    public static func visibleLines(_ s: String) -> String {
        rewrite(s, keepLines: true)
    }

    /// True when `s` has nothing `visible(_:)` would change.
    public static func isVisible(_ s: String) -> Bool {
        s.unicodeScalars.allSatisfy { replacement(for: $0.value, keepLines: false) == nil }
    }

    private static func rewrite(_ s: String, keepLines: Bool) -> String {
        // The common case, printable ASCII, costs one scan and no copy.
        if s.utf8.allSatisfy({ ($0 >= 0x20 && $0 < 0x7F) || (keepLines && ($0 == 0x0A || $0 == 0x09)) }) { return s }
        var out = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            if let r = replacement(for: scalar.value, keepLines: keepLines) {
                out.append(contentsOf: r.unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    private static func replacement(for v: UInt32, keepLines: Bool) -> String? {
        switch v {
        case 0x0A where keepLines, 0x09 where keepLines: return nil
        case 0x00..<0x20: return String(UnicodeScalar(0x2400 + v)!)   // ␀ ... ␟
        case 0x7F: return "\u{2421}"                                     // ␡
        case 0x80...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069:
            return "\\u{" + String(v, radix: 16, uppercase: true) + "}"
        default: return nil
        }
    }
}
