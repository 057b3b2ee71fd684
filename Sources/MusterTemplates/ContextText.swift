// A text value of a render context, in the shape swift-mustache reads with the fewest questions.
import Mustache

/// A string in a render context, rendered exactly as the string itself would be.
///
/// swift-mustache writes a plain `String` by asking whether it is an optional and then calling
/// `String(describing:)`, and looks a name up inside one (the stack of `{{#event.url}}...{{/event.url}}`
/// holds the string) by building a `Mirror` of it. This value answers those questions itself:
///
/// - `{{x}}`, `{{{x}}}`, `{{.}}`: `renderText` is the string (escaped for HTML as a string is);
/// - a name looked up inside it: nothing (a string's `Mirror` has no labelled children);
/// - a section over it: rendered once with it on the stack, an inverted one not at all (never null);
/// - transforms (`uppercased(x)`, `empty(x)` ...): the string's own, giving the same values;
/// - printed inside a group or list (`{{member}}`): as the string prints (`"Ann"`).
///
/// MustacheLookupTests renders every case through both shapes and compares.
struct ContextText: MustacheCustomRenderable, MustacheParent, MustacheTransformable, CustomStringConvertible,
    CustomDebugStringConvertible, Sendable, Hashable
{
    let value: String

    init(_ value: String) { self.value = value }

    var renderText: String { value }
    var isNull: Bool { false }
    func child(named: String) -> Any? { nil }
    func transform(_ name: String) -> Any? { value.transform(name) }
    var description: String { value }
    var debugDescription: String { value.debugDescription }
}
