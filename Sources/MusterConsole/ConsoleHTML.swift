// The console's pages as HTML: one layout (navigation, sign-out), plain and phone-sized, no external assets.
import Crypto
import Foundation
import Hummingbird
import MusterLinks

/// One console page: a title and a body of already-escaped HTML inside the console's layout.
///
/// `session` nil: the signed-out layout (no navigation). `insecureHTTP`: the page says that the cookie
/// travels over plain http, as `console.insecure_http_on_loopback` allows.
struct ConsoleHTML: ResponseGenerator {
    var status: HTTPResponse.Status = .ok
    var organisation: String
    var title: String
    var body: String
    var session: ConsoleSession?
    var insecureHTTP: Bool
    var current: String = ""
    var pages: [(path: String, title: String)] = []

    /// The one stylesheet; the Content-Security-Policy allows exactly this text by its hash.
    static let css = """
        body{font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:60rem;\
        margin:0 auto;padding:.75rem 1rem;color:#111;background:#fff}\
        h1{font-size:1.5rem;line-height:1.25}h2{font-size:1.2rem;margin-top:1.5rem}\
        nav ul{list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}\
        nav a{display:inline-block;padding:.5rem 0;color:#174a87}nav a[aria-current]{font-weight:700;color:#111}\
        .org{color:#333;margin:0}.warn{border:2px solid #c75000;padding:.5rem .75rem;border-radius:.25rem}\
        .scroll{overflow-x:auto}table{border-collapse:collapse;min-width:100%}table.wide{min-width:36rem}\
        th,td{text-align:left;padding:.3rem .6rem .3rem 0;border-bottom:1px solid #ccc;vertical-align:top}\
        td.n,th.n{text-align:right}pre{white-space:pre-wrap;background:#f4f4f4;padding:.75rem;border-radius:.25rem}\
        label{display:block;font-weight:600;margin:.75rem 0 .25rem}\
        dt{font-weight:600}dd{margin:0 0 .4rem 1rem;overflow-wrap:anywhere}\
        input[type=password],input[type=search]{font:inherit;padding:.6rem;width:100%;max-width:24rem;box-sizing:border-box}\
        button{min-height:2.75rem;padding:.5rem 1rem;font:inherit;font-weight:600;border:2px solid #174a87;\
        border-radius:.4rem;background:#174a87;color:#fff;cursor:pointer;margin:.75rem 0}\
        button.other{background:#fff;color:#174a87}form.out{display:inline}\
        :focus-visible{outline:3px solid #c75000;outline-offset:2px}\
        \(reportCSS)\(previewCSS)
        """

    /// The Report page's additions, scoped to its `.report` box (ReportHTML's classes, its charts); printed,
    /// a console page leaves out the navigation, its forms and the downloads.
    static let reportCSS = """
        .report h2{border-bottom:2px solid #b3123b}.report .period,.report .note{color:#444;font-size:.9rem}\
        .report table{font-size:.88rem}.report th{background:#f3f3f3}.report td.n{font-variant-numeric:tabular-nums}\
        .report tr.estimate td{font-style:italic;color:#666}figure{margin:.6rem 0}figcaption{font-size:.85rem;color:#444}\
        svg.chart{width:100%;height:auto;max-width:44rem;display:block}\
        form.choose{display:flex;flex-wrap:wrap;align-items:end;gap:0 1rem}form.choose label{margin-bottom:.25rem}form.choose button{margin:.5rem 0 0}\
        select{font:inherit;padding:.5rem;min-height:2.75rem}ul.files li{margin:.35rem 0}\
        @media print{header,form.choose,.downloads,.warn[role=note]{display:none}body{max-width:none;padding:0}\
        .scroll{overflow:visible}figure,tr{break-inside:avoid}h2{break-after:avoid}}
        """

    /// The Rules page's additions: a step's text and HTML side by side on a wide screen, one above the other on a phone.
    static let previewCSS = """
        .pair{display:grid;gap:0 1rem}@media (min-width:48rem){.pair{grid-template-columns:1fr 1fr}}\
        .pair h3{font-size:1rem;margin:.5rem 0}iframe.preview{width:100%;height:32rem;border:1px solid #ccc;\
        border-radius:.25rem;background:#fff;box-sizing:border-box}ul.errors{margin:.25rem 0;padding-left:1.25rem}\
        .pair pre,ul.errors{overflow-wrap:anywhere}
        """

    static let contentSecurityPolicy: String = {
        let digest = Data(SHA256.hash(data: Array(css.utf8))).base64EncodedString()
        return "default-src 'none'; style-src 'sha256-\(digest)'; frame-src 'self'; form-action 'self'; "
            + "base-uri 'none'; frame-ancestors 'none'"
    }()

    static func escape(_ s: String) -> String { LinkPage.escape(s) }

    var html: String {
        var nav = ""
        if let session {
            let items = pages.map { p in
                "<li><a href=\"\(Self.escape(p.path))\"\(p.path == current ? " aria-current=\"page\"" : "")>\(Self.escape(p.title))</a></li>"
            }.joined()
            nav = """
                <nav aria-label="Console"><ul>\(items)<li><form class="out" method="post" action="/sign-out">\
                \(Self.csrfField(session))<button type="submit" class="other">Sign out</button></form></li></ul></nav>
                """
        }
        let warning = insecureHTTP
            ? "<p class=\"warn\" role=\"note\">This console is served over plain http on this computer only (console.insecure_http_on_loopback). Anyone who can read this computer's network traffic can read it; use https with a proxy for anything else.</p>"
            : ""
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex">
            <title>\(Self.escape(title)) – muster console</title>
            <style>\(Self.css)</style>
            </head>
            <body>
            <header><p class="org">\(Self.escape(organisation)) · muster console</p>\(nav)</header>
            <main>
            <h1>\(Self.escape(title))</h1>
            \(warning)
            \(body)
            </main>
            </body>
            </html>

            """
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let bytes = ByteBuffer(string: html)
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .contentLength: String(bytes.readableBytes)],
                        body: .init(byteBuffer: bytes))
    }

    /// The hidden field every POST form of a signed-in page carries.
    static func csrfField(_ session: ConsoleSession) -> String {
        "<input type=\"hidden\" name=\"csrf\" value=\"\(escape(session.csrf))\">"
    }

    static func paragraph(_ text: String) -> String { "<p>\(escape(text))</p>" }

    /// A table with a caption; `numeric` columns are right-aligned. Cells are plain text, escaped here.
    /// `wide`: at least 36rem wide, so that on a phone it scrolls sideways rather than squeezing long text.
    static func table(caption: String, headers: [String], rows: [[String]], numeric: Set<Int> = [], wide: Bool = false) -> String {
        func cls(_ i: Int) -> String { numeric.contains(i) ? " class=\"n\"" : "" }
        let head = headers.enumerated().map { "<th scope=\"col\"\(cls($0.offset))>\(escape($0.element))</th>" }.joined()
        let body = rows.map { row in
            "<tr>" + row.enumerated().map { "<td\(cls($0.offset))>\(escape($0.element))</td>" }.joined() + "</tr>"
        }.joined(separator: "\n")
        return "<div class=\"scroll\"><table\(wide ? " class=\"wide\"" : "")><caption>\(escape(caption))</caption><thead><tr>\(head)</tr></thead><tbody>\n\(body)\n</tbody></table></div>"
    }
}
