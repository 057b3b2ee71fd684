// Received messages about events as Python reads them: `email` for the MIME parts, `icalendar` for the invite.
import Foundation
import MusterTestSupport

/// One received message: headers, decoded text, and its calendar part if any, read by Python's
/// `email` (policy.default) and `icalendar` packages, as a mail client would.
struct EventMail: Decodable, Sendable {
    var to: String
    var subject: String
    var text: String
    /// The calendar part's `method=` content-type parameter, upper-cased; nil without a calendar part.
    var partMethod: String?
    var calendar: Calendar?

    struct Calendar: Decodable, Sendable {
        var method: String
        var uid: String
        var sequence: Int
        var status: String?
        var organizer: String?
        var dtstart: String
    }

    static let script = """
        import json, sys
        from email import message_from_bytes, policy
        import icalendar
        for path in sys.argv[1:]:
            m = message_from_bytes(open(path, 'rb').read(), policy=policy.default)
            body = m.get_body(preferencelist=('plain',))
            out = {'to': str(m['To']), 'subject': str(m['Subject']),
                   'text': body.get_content().replace('\\r\\n', '\\n') if body is not None else '',
                   'partMethod': None, 'calendar': None}
            for part in m.walk():
                if part.get_content_type() == 'text/calendar':
                    out['partMethod'] = part.get_param('method').upper()
                    cal = icalendar.Calendar.from_ical(part.get_content())
                    ev = [c for c in cal.walk('VEVENT')][0]
                    out['calendar'] = {'method': str(cal['METHOD']), 'uid': str(ev['UID']),
                        'sequence': int(ev['SEQUENCE']), 'status': str(ev['STATUS']) if 'STATUS' in ev else None,
                        'organizer': str(ev['ORGANIZER']) if 'ORGANIZER' in ev else None,
                        'dtstart': ev.decoded('DTSTART').strftime('%Y-%m-%dT%H:%M:%S%z')}
            print(json.dumps(out))
        """

    /// Every message the server accepted, in order.
    static func all(_ server: SMTPTestServer) throws -> [EventMail] {
        let paths = try server.received().map { server.directory.file($0.file) }
        guard !paths.isEmpty else { return [] }
        let r = try MusterBinary.runProgram("/usr/bin/env", ["python3", "-c", script] + paths, in: server.directory.path)
        guard r.status == 0 else { throw TestSupportError("python3 could not read the messages: \(r.stderr)") }
        return try r.stdout.split(separator: "\n").map { try JSONDecoder().decode(EventMail.self, from: Data($0.utf8)) }
    }
}

extension TickHarness {
    /// `muster tick --now T` through the binary; `transport` overrides `mail.transport` (MUSTER_TRANSPORT).
    @discardableResult
    func tickBinary(_ now: String, transport: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        try MusterBinary.runProgram(
            Repository.path(".build/debug/muster"), ["tick", "--now", now, "--config", configPath], in: dir.path,
            environment: transport.map { ["MUSTER_TRANSPORT": $0] } ?? [:])
    }
}
