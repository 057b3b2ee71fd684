#!/usr/bin/env python3
"""Baseline: the script a volunteer would write with Python's standard library. For each of COUNT
members it builds a personal message with email.message.EmailMessage (subject, greeting, date,
Message-ID, the meeting details) and sends it with smtplib's send_message over one reused
connection. No calendar attachment, no unsubscribe header: less than muster's messages carry.
Usage: smtplib_volunteer.py HOST PORT COUNT   -> prints messages/second."""
import smtplib
import sys
import time
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from datetime import datetime, timezone

host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
members = [(f"Member{i}", f"member{i}@example.org") for i in range(count)]
body = """Hello {first},

A quick reminder: District meeting: pay and workload is tomorrow, Wednesday 11 December,
at 18:30, Corn Exchange, Dorchester.

Details: https://example.org/events/1

Bring a colleague - every member is welcome. See you there.

In solidarity,
Dorset NEU
"""
s = smtplib.SMTP(host, port)
start = time.monotonic()
for first, address in members:
    msg = EmailMessage()
    msg["From"] = "Dorset NEU <organising@example.org>"
    msg["To"] = f"{first} <{address}>"
    msg["Subject"] = "Tomorrow at 18:30: District meeting: pay and workload"
    msg["Date"] = format_datetime(datetime.now(timezone.utc))
    msg["Message-ID"] = make_msgid(domain="example.org")
    msg.set_content(body.format(first=first))
    s.send_message(msg)
elapsed = time.monotonic() - start
s.quit()
print(f"{count / elapsed:.0f}")
