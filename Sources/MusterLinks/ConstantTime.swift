// Comparing secrets without leaking, through timing, how many leading bytes matched.

/// Byte-string equality whose running time depends only on the lengths, never on where the strings differ.
public enum ConstantTime {
    /// True when `a` and `b` hold the same bytes. Every byte of the shorter length is examined
    /// whatever the first difference; a length difference is folded into the result, not returned early.
    @inline(never)
    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var diff = UInt8(truncatingIfNeeded: a.count ^ b.count) | (a.count == b.count ? 0 : 1)
        for i in 0..<min(a.count, b.count) {
            diff |= a[i] ^ b[i]
        }
        return diff == 0
    }
}
