#!/usr/bin/env python3
"""Baseline: Python's smtplib sending N prebuilt 2 KB messages over one reused connection.
Usage: smtplib_loop.py HOST PORT COUNT   -> prints messages/second."""
import smtplib
import sys
import time

host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
body = ("x" * 76 + "\r\n") * 26
msg = ("From: bench@example.org\r\nTo: sink@example.org\r\nSubject: bench\r\n\r\n" + body).encode()
s = smtplib.SMTP(host, port)
start = time.monotonic()
for _ in range(count):
    s.sendmail("bench@example.org", ["sink@example.org"], msg)
elapsed = time.monotonic() - start
s.quit()
print(f"{count / elapsed:.0f}")
