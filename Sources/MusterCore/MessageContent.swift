// What a template produces, before it becomes MIME.
import Foundation

/// A rendered message before it becomes MIME: what a template produces.
public struct MessageContent: Sendable, Hashable {
    public var subject: String
    public var text: String
    public var html: String?

    public init(subject: String, text: String, html: String? = nil) {
        self.subject = subject; self.text = text; self.html = html
    }
}
