#!/usr/bin/env python3
"""Holds N half-open HTTP connections to 127.0.0.1:PORT for SECONDS: each sends half a request head and
then nothing; whenever the server closes one, another takes its place at once. Loopback only.

    python3 bench/slowloris.py PORT [N] [SECONDS]

Prints one line at the end: opened, closed by the server, refused or failed connects, most open at once.
"""
import selectors
import socket
import sys
import time

HALF_HEAD = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow"


def main():
    port = int(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 400
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 60
    sel = selectors.DefaultSelector()
    opened = closed = failed = 0
    most = 0
    end = time.monotonic() + seconds

    def open_one():
        nonlocal opened, failed
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(True)
        s.settimeout(2)
        try:
            s.connect(("127.0.0.1", port))
            s.sendall(HALF_HEAD)
        except OSError:
            failed += 1
            s.close()
            return
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
        opened += 1

    while len(sel.get_map()) < n and time.monotonic() < end:
        open_one()
    while time.monotonic() < end:
        most = max(most, len(sel.get_map()))
        for key, _ in sel.select(timeout=0.2):
            s = key.fileobj
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if not data:
                sel.unregister(s)
                s.close()
                closed += 1
        while len(sel.get_map()) < n and time.monotonic() < end:
            open_one()
    print(f"slowloris: {opened} opened, {closed} closed by the server, {failed} failed to connect, "
          f"{most} open at most, {n} wanted, {seconds:.0f} s", flush=True)


if __name__ == "__main__":
    main()
