#!/usr/bin/env python3
"""A real SMTP server for muster's tests (aiosmtpd), started by the test itself.

Listens on a free loopback port and prints "PORT <n>" on stdout once it accepts connections.
Every accepted message is stored as DIR/<seq>.eml (the bytes as received, dot-stuffing undone)
with one JSON line in DIR/log.jsonl: seq, peer port (one per connection), mail_from, rcpt_tos,
message_id, file, tls, auth, and pipelined (RCPT TO was already waiting when MAIL FROM was read:
the client did not wait for the reply to MAIL before sending it).

Behaviours, chosen by the recipient's local part (first recipient wins):
  rcpt421 rcpt451 rcpt452 rcpt550 rcpt554   that reply at RCPT (421 also closes the connection)
  data421 data451 data554                   that reply after the data
  dropdata                                   the connection is closed in the middle of DATA
  greylist                                   451 at the first RCPT to that address, accepted after
  stalldata                                  no reply ever comes after the data
and by options:
  --tls-cert F --tls-key F   offer STARTTLS with that certificate
  --require-tls              refuse MAIL before STARTTLS
  --auth USER:PASS           require AUTH PLAIN/LOGIN with these credentials
  --stall-greeting           accept connections and never say anything
  --idle-timeout S           close a connection that has been idle for S seconds (default 60)
  --no-pipelining            do not offer PIPELINING in the EHLO reply (offered by default;
                             aiosmtpd reads commands in order, so pipelined ones work)
"""
import argparse
import asyncio
import json
import os
import signal
import ssl
import sys
from email import message_from_bytes, policy

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

REPLIES_RCPT = {
    "rcpt421": "421 4.3.0 Service shutting down, try later",
    "rcpt451": "451 4.7.1 Greylisted, please try again later",
    "rcpt452": "452 4.2.2 Mailbox full",
    "rcpt550": "550 5.1.1 <{addr}>: Recipient address rejected: User unknown",
    "rcpt554": "554 5.7.1 Relay access denied",
}
REPLIES_DATA = {
    "data421": "421 4.3.0 Closing after data",
    "data451": "451 4.3.0 Local error in processing",
    "data554": "554 5.6.0 Message rejected as spam",
}


def behaviour(address):
    return address.split("@", 1)[0].split("+", 1)[0].lower()


class Handler:
    def __init__(self, directory, pipelining=True, data_delay=0.0):
        self.directory = directory
        self.pipelining = pipelining
        # A slow relay: each accepted message takes this long between its data and its reply.
        self.data_delay = data_delay
        self.seq = 0
        self.greylisted = set()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.pipelining:
            responses.insert(len(responses) - 1, "250-PIPELINING")
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        kind = behaviour(address)
        if kind == "greylist" and address not in self.greylisted:
            # A greylisting relay: the first try to an address is refused for now, later ones accepted.
            self.greylisted.add(address)
            return "451 4.7.1 Greylisted, please try again later"
        if kind in REPLIES_RCPT:
            if kind == "rcpt421":
                asyncio.get_running_loop().call_later(0.05, server.transport.close)
            return REPLIES_RCPT[kind].format(addr=address)
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        kind = behaviour(envelope.rcpt_tos[0]) if envelope.rcpt_tos else ""
        if kind == "stalldata":
            await asyncio.sleep(3600)
        if kind in REPLIES_DATA:
            if kind == "data421":
                asyncio.get_running_loop().call_later(0.05, server.transport.close)
            return REPLIES_DATA[kind]
        if self.data_delay > 0:
            await asyncio.sleep(self.data_delay)
        self.seq += 1
        name = f"{self.seq}.eml"
        data = envelope.original_content or envelope.content
        with open(os.path.join(self.directory, name), "wb") as f:
            f.write(data)
        parsed = message_from_bytes(data, policy=policy.compat32)
        record = {
            "seq": self.seq,
            "peer": session.peer[1],
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "message_id": parsed.get("Message-ID"),
            "file": name,
            "tls": session.ssl is not None,
            "pipelined": getattr(session, "pipelined_mail", False),
            "auth": session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None,
        }
        with open(os.path.join(self.directory, "log.jsonl"), "a") as f:
            f.write(json.dumps(record) + "\n")
        return "250 2.0.0 Ok: queued as %d" % self.seq


class TestSMTP(SMTP):
    async def smtp_MAIL(self, arg):
        # Bytes already buffered behind MAIL FROM mean the client sent RCPT TO without waiting.
        self.session.pipelined_mail = len(self._reader._buffer) > 0
        await super().smtp_MAIL(arg)

    async def smtp_DATA(self, arg):
        if self.envelope and self.envelope.rcpt_tos and behaviour(self.envelope.rcpt_tos[0]) == "dropdata":
            await self.push("354 End data with <CR><LF>.<CR><LF>")
            await self._reader.readuntil(b"\r\n")
            self.transport.close()
            return
        await super().smtp_DATA(arg)


class Silent(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--require-tls", action="store_true")
    p.add_argument("--auth")
    p.add_argument("--stall-greeting", action="store_true")
    p.add_argument("--no-pipelining", action="store_true")
    p.add_argument("--idle-timeout", type=float, default=60)
    p.add_argument("--data-delay", type=float, default=0.0)
    a = p.parse_args()
    loop = asyncio.get_running_loop()
    if a.stall_greeting:
        server = await loop.create_server(Silent, "127.0.0.1", 0)
    else:
        handler = Handler(a.dir, pipelining=not a.no_pipelining, data_delay=a.data_delay)
        kw = {"hostname": "test.smtp.local", "timeout": a.idle_timeout}
        if a.tls_cert:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(a.tls_cert, a.tls_key)
            kw["tls_context"] = ctx
            kw["require_starttls"] = a.require_tls
        if a.auth:
            user, password = a.auth.split(":", 1)

            def authenticator(server, session, envelope, mechanism, auth_data):
                ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user \
                    and auth_data.password.decode() == password
                return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

            kw.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(a.tls_cert))
        server = await loop.create_server(lambda: TestSMTP(handler, **kw), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    # A test runner may spawn us with signals blocked; make SIGTERM and SIGINT work again.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
