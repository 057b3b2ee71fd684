// The organising report as a message attachment (`attach: report.html` in a recurring rule).
import Foundation

extension MIMEMessage {
    /// A `text/html` attachment named `filename`, quoted-printable: made once per pass and given to
    /// each message of the rule as its one attachment (the `invitePart` slot, which a recurring
    /// rule's messages do not otherwise use).
    public static func htmlAttachment(_ html: String, filename: String) -> MIMEPart {
        let (headers, body) = part(
            type: "text/html; charset=utf-8;\r\n name=\"\(filename)\"", body: html,
            disposition: "Content-Disposition: attachment; filename=\"\(filename)\"\r\n")
        return MIMEPart(headers: headers, body: body)
    }
}
