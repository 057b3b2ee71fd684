#!/usr/bin/env python3
"""Baseline: the fastest one connection can go while keeping muster's crash bound (RFC 1047: one
message in flight). Prebuilt SIZE-byte messages over one reused connection, PIPELINING as muster
uses it: MAIL FROM, RCPT TO and DATA together, and the next message's three commands behind this
message's final dot; each message's data waits for the final reply of the one before. Nothing is
rendered or recorded. The server must offer PIPELINING (smtp-sink does).
Usage: smtp_pipelined.py HOST PORT COUNT SIZE   -> prints messages/second."""
import socket
import sys
import time

host, port, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
s = socket.create_connection((host, port))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
replies = s.makefile("rb")


def reply() -> bytes:
    while True:
        line = replies.readline()
        if not line:
            sys.exit("the server closed the connection")
        if line[3:4] != b"-":
            return line


def expect(prefix: bytes) -> None:
    line = reply()
    if not line.startswith(prefix):
        sys.exit(f"unexpected reply: {line!r}")


expect(b"220")
s.sendall(b"EHLO bench.example.org\r\n")
expect(b"250")
envelope = b"MAIL FROM:<bench@example.org>\r\nRCPT TO:<sink@example.org>\r\nDATA\r\n"
line = b"x" * 76 + b"\r\n"
body = b"From: bench@example.org\r\nTo: sink@example.org\r\nSubject: bench\r\n\r\n" + line * max(1, size // len(line)) + b".\r\n"
start = time.monotonic()
s.sendall(envelope)
for i in range(count):
    expect(b"250"); expect(b"250"); expect(b"354")
    s.sendall(body + (envelope if i + 1 < count else b""))
    expect(b"250")
elapsed = time.monotonic() - start
s.sendall(b"QUIT\r\n")
print(f"{count / elapsed:.0f}")
