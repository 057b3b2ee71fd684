// A small, stable 128-bit hash for names derived from keys (Message-IDs, MIME boundaries).
import Foundation

/// FNV-1a over UTF-8, run twice with different offset bases, giving 128 bits as 32 hex digits.
///
/// Stable across runs, machines and Swift versions (unlike `Hasher`), so the same outbox key
/// always gives the same Message-ID:
/// `StableHash.hex128("welcome/1/m17/-/-/")` is the same string today and after a restart.
/// Not cryptographic: it names things, it does not protect them.
public enum StableHash {
    static let prime: UInt64 = 0x0000_0100_0000_01B3

    /// 64-bit FNV-1a of `bytes`, starting from `seed`.
    public static func fnv1a64<S: Sequence>(_ bytes: S, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64
    where S.Element == UInt8 {
        var h = seed
        for b in bytes {
            h ^= UInt64(b)
            h = h &* prime
        }
        return h
    }

    /// 32 lowercase hex digits: FNV-1a-64 with the standard basis, then with a second basis.
    public static func hex128(_ text: String) -> String {
        let a = fnv1a64(text.utf8)
        let b = fnv1a64(text.utf8, seed: 0x84222325_cbf29ce4 ^ 0x9e37_79b9_7f4a_7c15)
        return hex(a) + hex(b)
    }

    static func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
