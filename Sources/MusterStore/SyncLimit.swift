// How many members a sync import may mark `left` without being told to expect it.
import Foundation

/// How the person at the terminal confirmed a sync that marks many members left.
public enum LeftConfirmation: Sendable, Equatable {
    /// Nothing said: a sync over ``SyncLimit`` is refused.
    case unconfirmed
    /// `--expect-left N`: exactly N, any number; another count is refused.
    case expect(Int)
    /// `--yes`: however many.
    case yes
}

/// The guard on `import members --sync`: a file of one row must not mark a whole district left.
///
/// A sync may mark up to ``allowed(notLeft:)`` members left unasked: 50, or a tenth of the members
/// not already left, whichever is larger. So a monthly export that drops a few leavers goes through
/// and a truncated file, a filter left on in the spreadsheet or the wrong branch's list is refused,
/// naming the count to confirm.
///
/// | would mark | members not left | confirmation      | result  |
/// | ---------- | ---------------- | ----------------- | ------- |
/// | 40         | 100              | none              | marks   |
/// | 120        | 1,413            | none              | marks (limit 141) |
/// | 1,412      | 1,413            | none              | refused |
/// | 1,412      | 1,413            | `--expect-left 1412` | marks |
/// | 1,412      | 1,413            | `--expect-left 12`   | refused (another count) |
/// | any        | any              | `--yes`           | marks   |
public enum SyncLimit {
    public static let floor = 50
    public static let share = 10  // percent

    /// The most a sync marks left unasked when `notLeft` members are not left.
    public static func allowed(notLeft: Int) -> Int { max(floor, notLeft * share / 100) }

    /// Why a sync of `file` that would mark `marking` of `notLeft` members left may not go ahead, or nil.
    public static func refusal(file: String, marking: Int, notLeft: Int, confirmation: LeftConfirmation) -> String? {
        switch confirmation {
        case .yes:
            return nil
        case .expect(let expected):
            guard expected != marking else { return nil }
            return "\(file): this sync would mark \(marking) of \(notLeft) members left, not the \(expected) that "
                + "--expect-left names; nothing was changed"
        case .unconfirmed:
            let limit = allowed(notLeft: notLeft)
            guard marking > limit else { return nil }
            return "\(file): this sync would mark \(marking) of \(notLeft) members left; unconfirmed, a sync marks at "
                + "most \(limit) (\(floor) or \(share)% of the members, whichever is more); nothing was changed. "
                + "If the file is the whole membership, run the import again with --expect-left \(marking) (or --yes)"
        }
    }
}
