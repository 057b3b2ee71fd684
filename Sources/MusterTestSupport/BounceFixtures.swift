// Bounces and complaints shaped after what Postfix, Exchange Online and Gmail send, and RFC 5965's feedback report.
//
// Written after the published formats: Postfix's bounce(8) templates and its message/delivery-status
// part (X-Postfix-Queue-ID, X-Postfix-Sender), Exchange Online's NDRs (a multipart/alternative
// notification, Status 5.1.10 RESOLVER.ADR.RecipientNotFound, the whole message returned), Gmail's
// "Delivery Status Notification" (multipart/related notification, Action delayed / failed) and
// RFC 5965's example. Each takes the envelope sender the message went out with (`to`), the address
// that failed, and the failed message's Message-ID.
import Foundation

public enum BounceFixture {
    /// Postfix's non-delivery notice (LF line ends, as its local(8) hands a message to a pipe).
    public static func postfix(to: String, recipient: String, messageID: String, status: String = "5.1.1",
                               action: String = "failed", diagnostic: String? = nil, reportID: String = "<20301204090001.3F2A1C0D1E@mx.example.org>") -> [UInt8] {
        let diag = diagnostic ?? "smtp; 550 5.1.1 <\(recipient)>: Recipient address rejected:\n    User unknown in virtual mailbox table"
        return Array("""
            Return-Path: <>
            Delivered-To: \(to)
            Received: by mx.example.org (Postfix)
            \tid 3F2A1C0D1E; Wed,  4 Dec 2030 09:00:01 +0000 (UTC)
            Date: Wed,  4 Dec 2030 09:00:01 +0000 (UTC)
            From: MAILER-DAEMON@mx.example.org (Mail Delivery System)
            Subject: Undelivered Mail Returned to Sender
            To: \(to)
            Auto-Submitted: auto-replied
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status;
            \tboundary="3F2A1C0D1E.1922000401/mx.example.org"
            Content-Transfer-Encoding: 8bit
            Message-Id: \(reportID)

            This is a MIME-encapsulated message.

            --3F2A1C0D1E.1922000401/mx.example.org
            Content-Description: Notification
            Content-Type: text/plain; charset=us-ascii

            This is the mail system at host mx.example.org.

            I'm sorry to have to inform you that your message could not
            be delivered to one or more recipients. It's attached below.

            <\(recipient)>: host mx.example.com[203.0.113.5] said: 550 5.1.1
                <\(recipient)>: Recipient address rejected: User unknown (in reply to RCPT TO
                command)

            --3F2A1C0D1E.1922000401/mx.example.org
            Content-Description: Delivery report
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example.org
            X-Postfix-Queue-ID: 3F2A1C0D1E
            X-Postfix-Sender: rfc822; \(to)
            Arrival-Date: Wed,  4 Dec 2030 09:00:00 +0000 (UTC)

            Final-Recipient: rfc822; \(recipient)
            Original-Recipient: rfc822;\(recipient)
            Action: \(action)
            Status: \(status)
            Remote-MTA: dns; mx.example.com
            Diagnostic-Code: \(diag)

            --3F2A1C0D1E.1922000401/mx.example.org
            Content-Description: Undelivered Message Headers
            Content-Type: text/rfc822-headers
            Content-Transfer-Encoding: 8bit

            Return-Path: <\(to)>
            Received: from muster.example.org (muster.example.org [192.0.2.10])
            \tby mx.example.org (Postfix) with ESMTP id 3F2A1C0D1E
            \tfor <\(recipient)>; Wed,  4 Dec 2030 09:00:00 +0000 (UTC)
            From: Dorset NEU <organising@example.org>
            To: \(recipient)
            Subject: District meeting next week
            Message-ID: \(messageID)
            Date: Wed, 04 Dec 2030 09:00:00 +0000

            --3F2A1C0D1E.1922000401/mx.example.org--

            """.utf8)
    }

    /// Exchange Online's NDR (CRLF): the notification as text and HTML, Status 5.1.10, the whole message returned.
    public static func exchange(to: String, recipient: String, messageID: String) -> [UInt8] {
        crlf("""
            Received: from DM6PR11MB1234.namprd11.prod.outlook.com (2603:10b6:5:1::1)
             by DM6PR11MB1234.namprd11.prod.outlook.com with mapi; Wed, 4 Dec 2030 09:00:03 +0000
            From: Microsoft Outlook <MAILER-DAEMON@contoso.onmicrosoft.com>
            To: <\(to)>
            Date: Wed, 4 Dec 2030 09:00:03 +0000
            Content-Type: multipart/report; report-type=delivery-status;
            \tboundary="_000_b8a7c1e2f3a44d5e9f0a1b2c3d4e5f60DM6PR11MB1234namprd_"
            Message-ID: <b8a7c1e2-f3a4-4d5e-9f0a-1b2c3d4e5f60@DM6PR11MB1234.namprd11.prod.outlook.com>
            In-Reply-To: \(messageID)
            References: \(messageID)
            Subject: Undeliverable: District meeting next week
            Auto-Submitted: auto-replied
            X-MS-Exchange-Message-Is-Ndr:
            Content-Language: en-US
            MIME-Version: 1.0

            --_000_b8a7c1e2f3a44d5e9f0a1b2c3d4e5f60DM6PR11MB1234namprd_
            Content-Type: multipart/alternative;
            \tboundary="_002_b8a7c1e2f3a44d5e9f0a1b2c3d4e5f60DM6PR11MB1234namprd_"

            --_002_b8a7c1e2f3a44d5e9f0a1b2c3d4e5f60DM6PR11MB1234namprd_
            Content-Type: text/plain; charset="us-ascii"

            Your message to \(recipient) couldn't be delivered.
            \(recipient) wasn't found at contoso.com.
            Diagnostic information for administrators:
            Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'

            --_002_b8a7c1e2f3a44d5e9f0a1b2c3d4e5f60DM6PR11MB1234namprd_
            Content-Type: text/html; charset="us-ascii"

            <html><body><p>Your message to \(recipient) couldn't be delivered.</p></body></html>

            --_002_b8a7c1e2f3a44d5e9f0a1b2c3d4e5f60DM6PR11MB1234namprd_--

            --_000_b8a7c1e2f3a44d5e9f0a1b2c3d4e5f60DM6PR11MB1234namprd_
            Content-Type: message/delivery-status

            Reporting-MTA: dns;DM6PR11MB1234.namprd11.prod.outlook.com
            Received-From-MTA: dns;muster.example.org
            Arrival-Date: Wed, 4 Dec 2030 09:00:02 +0000

            Final-Recipient: rfc822;\(recipient)
            Action: failed
            Status: 5.1.10
            Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup
            X-Display-Name: \(recipient)


            --_000_b8a7c1e2f3a44d5e9f0a1b2c3d4e5f60DM6PR11MB1234namprd_
            Content-Type: message/rfc822

            Return-Path: <\(to)>
            From: Dorset NEU <organising@example.org>
            To: \(recipient)
            Subject: District meeting next week
            Message-ID: \(messageID)
            Date: Wed, 04 Dec 2030 09:00:00 +0000
            MIME-Version: 1.0
            Content-Type: text/plain; charset=utf-8

            The district meeting is next Wednesday.

            --_000_b8a7c1e2f3a44d5e9f0a1b2c3d4e5f60DM6PR11MB1234namprd_--

            """)
    }

    /// Gmail's "Delivery Status Notification" (CRLF): `delayed` 4.2.2 by default (a full inbox), or `failed`.
    public static func gmail(to: String, recipient: String, messageID: String, action: String = "delayed",
                             status: String = "4.2.2", reportID: String = "<5f1c2d3e4b5a6978@mx.google.com>") -> [UInt8] {
        crlf("""
            Delivered-To: \(to)
            Return-Path: <>
            Received: by mx.google.com with SMTP id a1csp123456; Wed, 04 Dec 2030 09:10:00 -0800 (PST)
            From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
            To: \(to)
            Auto-Submitted: auto-replied
            Subject: Delivery Status Notification (\(action == "delayed" ? "Delay" : "Failure"))
            References: \(messageID)
            In-Reply-To: \(messageID)
            X-Failed-Recipients: \(recipient)
            Message-ID: \(reportID)
            Date: Wed, 04 Dec 2030 09:10:00 -0800 (PST)
            MIME-Version: 1.0
            Content-Type: multipart/report; boundary="000000000000a1b2c3d4e5f6"; report-type=delivery-status

            --000000000000a1b2c3d4e5f6
            Content-Type: multipart/related; boundary="000000000000b1b2c3d4e5f6"

            --000000000000b1b2c3d4e5f6
            Content-Type: multipart/alternative; boundary="000000000000c1b2c3d4e5f6"

            --000000000000c1b2c3d4e5f6
            Content-Type: text/plain; charset="UTF-8"

            ** Message not delivered yet **

            There was a temporary problem delivering your message to \(recipient). Gmail will retry for 46 more hours.

            The recipient's inbox is out of storage space.

            --000000000000c1b2c3d4e5f6
            Content-Type: text/html; charset="UTF-8"

            <html><body><h2>Message not delivered yet</h2></body></html>

            --000000000000c1b2c3d4e5f6--
            --000000000000b1b2c3d4e5f6--
            --000000000000a1b2c3d4e5f6
            Content-Type: message/delivery-status

            Reporting-MTA: dns; googlemail.com
            Arrival-Date: Wed, 04 Dec 2030 09:00:02 -0800 (PST)
            X-Original-Message-ID: \(messageID)

            Final-Recipient: rfc822; \(recipient)
            Action: \(action)
            Status: \(status)
            Diagnostic-Code: smtp; 452-4.2.2 The recipient's inbox is out of storage space. Please direct
             the recipient to https://support.google.com/mail/?p=OverQuotaTemp
            Last-Attempt-Date: Wed, 04 Dec 2030 09:10:00 -0800 (PST)
            Will-Retry-Until: Fri, 06 Dec 2030 09:00:02 -0800 (PST)

            --000000000000a1b2c3d4e5f6
            Content-Type: message/rfc822

            Return-Path: <\(to)>
            From: Dorset NEU <organising@example.org>
            To: \(recipient)
            Subject: District meeting next week
            Message-ID: \(messageID)
            Date: Wed, 04 Dec 2030 09:00:00 +0000

            The district meeting is next Wednesday.

            --000000000000a1b2c3d4e5f6--

            """)
    }

    /// A feedback report after RFC 5965's example (CRLF): `Feedback-Type: abuse` by default. `originalMailFrom`
    /// is the envelope sender the message had (the token), `to` where the loop sends reports.
    public static func arf(to: String = "fbl@example.org", originalMailFrom: String, recipient: String?,
                           messageID: String, type: String = "abuse") -> [UInt8] {
        crlf("""
            From: <staff@hotmail.com>
            Date: Thu, 05 Dec 2030 17:40:36 +0000
            Subject: complaint about message from 192.0.2.10
            To: <\(to)>
            Message-ID: <arf-2030-12-05-174036@fbl.hotmail.com>
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=feedback-report;
                 boundary="part1_13d.2e68ed54_boundary"

            --part1_13d.2e68ed54_boundary
            Content-Type: text/plain; charset="US-ASCII"
            Content-Transfer-Encoding: 7bit

            This is an email abuse report for an email message received from IP
            192.0.2.10 on Wed, 04 Dec 2030 09:00:00 +0000.

            --part1_13d.2e68ed54_boundary
            Content-Type: message/feedback-report

            Feedback-Type: \(type)
            User-Agent: SomeGenerator/1.0
            Version: 1
            Original-Mail-From: <\(originalMailFrom)>
            \(recipient.map { "Original-Rcpt-To: <\($0)>" } ?? "Removal-Recipient: redacted")
            Arrival-Date: Wed, 04 Dec 2030 09:00:00 +0000
            Reporting-MTA: dns; mail.hotmail.com
            Source-IP: 192.0.2.10

            --part1_13d.2e68ed54_boundary
            Content-Type: message/rfc822
            Content-Disposition: inline

            Return-Path: <\(originalMailFrom)>
            From: Dorset NEU <organising@example.org>
            To: \(recipient ?? "redacted")
            Subject: District meeting next week
            Message-ID: \(messageID)
            Date: Wed, 04 Dec 2030 09:00:00 +0000

            The district meeting is next Wednesday.
            --part1_13d.2e68ed54_boundary--

            """)
    }

    static func crlf(_ text: String) -> [UInt8] {
        Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    }
}
