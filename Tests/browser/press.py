#!/usr/bin/env python3
"""Open a page in headless Chromium, press a button, and print the page that follows.

    press.py URL SELECTOR [--fill SELECTOR=VALUE]... [--expect TEXT] [--screenshot PNG]
             [--timeout SECONDS] [--chromium PATH]

Talks the DevTools protocol over --remote-debugging-pipe (file descriptors 3 and 4, messages
separated by NUL bytes), so it needs only Python's standard library. Exit status: 0 when the
button was pressed, the next page loaded, it contains TEXT (if given), and no page logged an
error (a Content-Security-Policy violation is one); 1 otherwise, with the reason on stderr.
Prints the final page's visible text on stdout. --fill sets form fields before the press (a
password, say); --screenshot saves the page after the press as a PNG.

Made for muster's links (a pledge page, an RSVP page, an unsubscribe page) but general: any
URL and any CSS selector of something that submits a form or navigates.
"""
import argparse
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time


class CDP:
    """A DevTools client over Chromium's pipe: send commands, wait for replies and events."""

    def __init__(self, chromium, timeout):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="muster-chromium-")
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        # Move the child's ends above 4 so that placing them on 3 and 4 cannot overwrite one another.
        high_r, high_w = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10), \
            fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        to_chrome_r, from_chrome_w = high_r, high_w

        def wire():  # in the child: our pipes become fds 3 (commands in) and 4 (replies out)
            os.dup2(to_chrome_r, 3)
            os.dup2(from_chrome_w, 4)

        args = [chromium, "--headless=new", "--remote-debugging-pipe", "--no-first-run",
                "--no-default-browser-check", "--disable-gpu", "--disable-extensions",
                "--disable-background-networking", "--disable-sync", "--metrics-recording-only",
                "--user-data-dir=" + self.profile, "about:blank"]
        if os.geteuid() == 0:
            args.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
        self.proc = subprocess.Popen(args, preexec_fn=wire, pass_fds=(3, 4),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def close(self):
        try:
            self.send("Browser.close", wait=False)
        except OSError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def _read_message(self, deadline):
        import select
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from Chromium in time")
            ready, _, _ = select.select([self.from_chrome], [], [], left)
            if ready:
                chunk = os.read(self.from_chrome, 65536)
                if not chunk:
                    raise EOFError("Chromium closed the DevTools pipe")
                self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method, params=None, session=None, wait=True):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        if not wait:
            return None
        deadline = time.monotonic() + self.timeout
        while True:
            m = self._read_message(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error'].get('message')}")
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method, session=None):
        deadline = time.monotonic() + self.timeout
        while True:
            for i, m in enumerate(self.events):
                if m.get("method") == method and (session is None or m.get("sessionId") == session):
                    del self.events[i]
                    return m.get("params", {})
            self.events.append(self._read_message(deadline))

    def errors(self):
        """Errors the page logged so far (console errors, CSP violations), as text."""
        out = []
        for m in self.events:
            p = m.get("params", {})
            entry = p.get("entry", {})
            if m.get("method") == "Log.entryAdded" and entry.get("level") == "error" \
                    and not entry.get("url", "").endswith("/favicon.ico"):
                out.append(entry.get("text", ""))
            if m.get("method") == "Runtime.exceptionThrown":
                out.append(p.get("exceptionDetails", {}).get("text", ""))
        return out


def main():
    ap = argparse.ArgumentParser(description="Press a button on a page in headless Chromium.")
    ap.add_argument("url")
    ap.add_argument("selector", help="CSS selector of the button to press, e.g. 'button' or 'form:nth-of-type(2) button'")
    ap.add_argument("--expect", help="text the page after the press must contain")
    ap.add_argument("--fill", action="append", default=[], help="SELECTOR=VALUE: set a field before pressing")
    ap.add_argument("--screenshot", help="save the page after the press here (PNG)")
    ap.add_argument("--timeout", type=float, default=20)
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    a = ap.parse_args()

    cdp = CDP(a.chromium, a.timeout)
    try:
        target = cdp.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        s = cdp.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Log", "Runtime"):
            cdp.send(domain + ".enable", session=s)
        cdp.send("Page.navigate", {"url": a.url}, session=s)
        cdp.wait_event("Page.loadEventFired", s)
        for fill in a.fill:
            selector, value = fill.split("=", 1)
            filled = cdp.send("Runtime.evaluate", {
                "expression": f"(() => {{ const f = document.querySelector({json.dumps(selector)}); "
                              f"if (!f) return 'missing'; f.value = {json.dumps(value)}; return 'filled'; }})()",
                "returnByValue": True}, session=s)["result"].get("value")
            if filled != "filled":
                print(f"press.py: no field matches {selector!r} on {a.url}", file=sys.stderr)
                return 1
        found = cdp.send("Runtime.evaluate", {
            "expression": f"(() => {{ const b = document.querySelector({json.dumps(a.selector)}); "
                          f"if (!b) return 'missing'; b.click(); return 'pressed'; }})()",
            "returnByValue": True}, session=s)["result"].get("value")
        if found != "pressed":
            print(f"press.py: no element matches {a.selector!r} on {a.url}", file=sys.stderr)
            return 1
        cdp.wait_event("Page.loadEventFired", s)
        text = cdp.send("Runtime.evaluate", {"expression": "document.body.innerText", "returnByValue": True},
                        session=s)["result"].get("value", "")
        print(text)
        if a.screenshot:
            import base64
            shot = cdp.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session=s)
            with open(a.screenshot, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
        errors = cdp.errors()
        if errors:
            print("press.py: the page logged errors: " + " | ".join(errors), file=sys.stderr)
            return 1
        if a.expect and a.expect not in text:
            print(f"press.py: the page after the press does not contain {a.expect!r}", file=sys.stderr)
            return 1
        return 0
    except (TimeoutError, EOFError, RuntimeError) as e:
        print(f"press.py: {e}", file=sys.stderr)
        return 1
    finally:
        cdp.close()


if __name__ == "__main__":
    sys.exit(main())
