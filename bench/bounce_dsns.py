"""Writes Postfix-shaped delivery status notifications for bench/bounce.sh.

    bounce_dsns.py DIR < "MESSAGE-ID RECIPIENT" lines   one DSN file per line (5.1.1, failed)
    bounce_dsns.py --big FILE                           one DSN returning a 20 MB message
"""
import sys

def dsn(message_id, recipient, body=""):
    return f"""Return-Path: <>
Delivered-To: bounces@example.org
Date: Wed,  4 Dec 2030 09:00:01 +0000 (UTC)
From: MAILER-DAEMON@mx.example.org (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: bounces@example.org
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b1/mx.example.org"
Message-Id: <dsn-{abs(hash(message_id))}@mx.example.org>

--b1/mx.example.org
Content-Type: text/plain; charset=us-ascii

<{recipient}>: host mx.example.com said: 550 5.1.1 User unknown

--b1/mx.example.org
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; {recipient}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected: User unknown

--b1/mx.example.org
Content-Type: message/rfc822

From: Dorset NEU <organising@example.org>
To: {recipient}
Message-ID: {message_id}
Subject: District meeting tomorrow

{body}
--b1/mx.example.org--
"""

if sys.argv[1] == "--big":
    line = "x" * 76 + "\n"
    with open(sys.argv[2], "w") as f:
        f.write(dsn("<big@example.org>", "someone@example.com", line * (20_000_000 // 77)))
else:
    out = sys.argv[1]
    for i, row in enumerate(sys.stdin):
        message_id, recipient = row.split()
        with open(f"{out}/{i}.eml", "w") as f:
            f.write(dsn(message_id, recipient))
