// `mail.rate`: how many messages a period the relay may be sent.
import Foundation

/// `N/second`, `N/minute` or `N/hour`.
public struct RateLimit: Sendable, Hashable, CustomStringConvertible {
    public var count: Int
    /// The period in seconds (1, 60 or 3600).
    public var period: TimeInterval

    public init(count: Int, period: TimeInterval) {
        self.count = count; self.period = period
    }

    /// Reads `30/minute`; the error names the setting and the expected form.
    public init(parsing text: String) throws {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        let periods: [String: TimeInterval] = ["second": 1, "minute": 60, "hour": 3600]
        guard parts.count == 2, let n = Int(parts[0].trimmingCharacters(in: .whitespaces)), n > 0,
              let p = periods[parts[1].trimmingCharacters(in: .whitespaces).lowercased()]
        else {
            throw MailConfigurationError("mail.rate: must look like '30/minute' (N/second, N/minute or N/hour with N > 0) (got \"\(text)\")")
        }
        self.init(count: n, period: p)
    }

    public var perSecond: Double { Double(count) / period }

    public var description: String {
        "\(count)/" + (period == 1 ? "second" : period == 60 ? "minute" : period == 3600 ? "hour" : "\(period)s")
    }
}
