// The small HTML pages the links show: plain, accessible, phone-sized, with no external assets.
import Crypto
import Foundation
import Hummingbird

/// One page: a heading and a body of already-escaped HTML, in the organisation's name.
public struct LinkPage: ResponseGenerator, Sendable {
    var status: HTTPResponse.Status = .ok
    var organisation: String
    var title: String
    var body: String

    /// The one stylesheet; the Content-Security-Policy allows exactly this text by its hash.
    static let css = """
        body{font:1.125rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:34rem;\
        margin:0 auto;padding:1rem 1.25rem;color:#111;background:#fff}\
        h1{font-size:1.5rem;line-height:1.25}.org{color:#333;font-size:1rem;margin:0}\
        form{margin:0}button{display:block;width:100%;min-height:3rem;margin:.75rem 0;padding:.75rem 1rem;\
        font:inherit;font-weight:600;border:2px solid #174a87;border-radius:.5rem;background:#174a87;\
        color:#fff;cursor:pointer}button.other{background:#fff;color:#174a87}\
        button:focus-visible{outline:3px solid #c75000;outline-offset:2px}
        """

    static let contentSecurityPolicy: String = {
        let digest = Data(SHA256.hash(data: Array(css.utf8))).base64EncodedString()
        return "default-src 'none'; style-src 'sha256-\(digest)'; form-action 'self'; "
            + "base-uri 'none'; frame-ancestors 'none'"
    }()

    var html: String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex">
        <title>\(Self.escape(title)) – \(Self.escape(organisation))</title>
        <style>\(Self.css)</style>
        </head>
        <body>
        <main>
        <p class="org">\(Self.escape(organisation))</p>
        <h1>\(Self.escape(title))</h1>
        \(body)
        </main>
        </body>
        </html>

        """
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let bytes = ByteBuffer(string: html)
        return Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .contentLength: String(bytes.readableBytes)],
            body: .init(byteBuffer: bytes))
    }

    /// Text for HTML: `& < > "` escaped (attributes are always double-quoted).
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A one-button POST form back to this page's own URL, carrying `name=value`.
    static func form(button: String, name: String? = nil, value: String? = nil, primary: Bool = true) -> String {
        var hidden = ""
        if let name, let value {
            hidden = "<input type=\"hidden\" name=\"\(escape(name))\" value=\"\(escape(value))\">"
        }
        let cls = primary ? "" : " class=\"other\""
        return "<form method=\"post\">\(hidden)<button type=\"submit\"\(cls)>\(escape(button))</button></form>"
    }

    static func paragraph(_ text: String) -> String { "<p>\(escape(text))</p>" }
}
