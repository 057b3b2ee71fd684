// Which rep a member is told about, and which workplace a rep's digest covers: one choice, made here.
import Foundation

/// The rep-first choice: a rep whose role is `workplace rep` (any case) comes before other roles.
///
/// - A member is told about someone else before themselves, then a `workplace rep` before other
///   roles, then the lowest member id (so the choice is stable). A rep alone at their workplace
///   gets themselves.
/// - A rep who represents several workplaces gets the digest of the one where they are the
///   `workplace rep`, then the lowest workplace id.
public enum RepChoice {
    /// The role that comes first.
    public static let firstRole = "workplace rep"

    /// 0 for `workplace rep` (any case), 1 for any other role or none.
    public static func rank(role: String?) -> Int {
        (role ?? "").lowercased() == firstRole ? 0 : 1
    }

    /// The rep `memberID` is told about, among the reps of their workplace.
    public static func rep(for memberID: Int64, among reps: [RepContact]) -> RepContact? {
        reps.min { a, b in
            func key(_ r: RepContact) -> (Int, Int, Int64) { (r.member.id == memberID ? 1 : 0, rank(role: r.rep.role), r.member.id) }
            return key(a) < key(b)
        }
    }

    /// The workplace a rep's digest is about, among the rep rows of one member.
    public static func digestWorkplace(among reps: [Rep]) -> Int64? {
        reps.min { a, b in (rank(role: a.role), a.workplaceID) < (rank(role: b.role), b.workplaceID) }?.workplaceID
    }
}
