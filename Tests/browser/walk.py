#!/usr/bin/env python3
"""Walk through pages in headless Chromium, one step after another, as a person would.

    walk.py STEP... [--timeout SECONDS] [--chromium PATH]

Each STEP is one argument:
    goto URL            open URL and wait for it to load
    fill SELECTOR=VALUE set a form field
    press SELECTOR      click it (a button or a link) and wait for the next page to load
    expect TEXT         the page's visible text must contain TEXT
    refuse TEXT         the page's visible text must not contain TEXT
    width PIXELS        lay pages out this wide from now on (below 600: as a phone)
    fits                the page must not be wider than the window (nothing to scroll sideways)
    shot PNG            save a full-page screenshot
    print               print the page's address and visible text
    touch PATH          create the file PATH (tells the test that the walk got here)
    wait_file PATH      wait (up to 60 s) until the file PATH exists (the test says: go on)

Prints each `print`ed page as "=== URL" and its text. Exit status 0 when every step did what it
says and no page logged an error (a Content-Security-Policy violation is one); 1 otherwise, with
the step and the reason on stderr. Uses the DevTools client of press.py (standard library only).
"""
import argparse
import base64
import json
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from press import CDP  # noqa: E402


class Walk:
    def __init__(self, cdp):
        self.cdp = cdp
        target = cdp.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.s = cdp.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.width = None
        for domain in ("Page", "Log", "Runtime"):
            cdp.send(domain + ".enable", session=self.s)

    def evaluate(self, expression):
        return self.cdp.send("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                             session=self.s)["result"].get("value")

    def text(self):
        return self.evaluate("document.body ? document.body.innerText : ''") or ""

    def step(self, step):
        verb, _, arg = step.partition(" ")
        if verb == "goto":
            self.cdp.send("Page.navigate", {"url": arg}, session=self.s)
            self.cdp.wait_event("Page.loadEventFired", self.s)
        elif verb == "fill":
            selector, value = arg.split("=", 1)
            done = self.evaluate(f"(() => {{ const f = document.querySelector({json.dumps(selector)}); "
                                 f"if (!f) return 'missing'; f.value = {json.dumps(value)}; return 'filled'; }})()")
            if done != "filled":
                return f"no field matches {selector!r}"
        elif verb == "press":
            done = self.evaluate(f"(() => {{ const b = document.querySelector({json.dumps(arg)}); "
                                 f"if (!b) return 'missing'; b.click(); return 'pressed'; }})()")
            if done != "pressed":
                return f"nothing matches {arg!r}"
            self.cdp.wait_event("Page.loadEventFired", self.s)
        elif verb == "expect":
            if arg not in self.text():
                return f"the page does not contain {arg!r}"
        elif verb == "refuse":
            if arg in self.text():
                return f"the page contains {arg!r}"
        elif verb == "width":
            w = self.width = int(arg)
            self.cdp.send("Emulation.setDeviceMetricsOverride",
                          {"width": w, "height": 844 if w < 600 else 900, "deviceScaleFactor": 1, "mobile": w < 600},
                          session=self.s)
            self.cdp.send("Page.reload", session=self.s)
            self.cdp.wait_event("Page.loadEventFired", self.s)
        elif verb == "fits":
            # A phone widens its layout to what overflows, so the width asked for is the measure.
            sizes = self.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            window = min(sizes[1], self.width or sizes[1])
            if sizes[0] > window:
                return f"the page is {sizes[0]} px wide in a window of {window} px"
        elif verb == "shot":
            shot = self.cdp.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True},
                                 session=self.s)
            with open(arg, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
        elif verb == "touch":
            open(arg, "w").close()
        elif verb == "wait_file":
            deadline = time.monotonic() + 60
            while not os.path.exists(arg):
                if time.monotonic() > deadline:
                    return f"{arg} did not appear within 60 s"
                time.sleep(0.02)
        elif verb == "print":
            print("=== " + (self.evaluate("location.href") or ""))
            print(self.text())
        else:
            return f"unknown step {verb!r}"
        errors = self.cdp.errors()
        if errors:
            return "the page logged errors: " + " | ".join(errors)
        return None


def main():
    ap = argparse.ArgumentParser(description="Walk through pages in headless Chromium.")
    ap.add_argument("steps", nargs="+")
    ap.add_argument("--timeout", type=float, default=20)
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    a = ap.parse_args()
    cdp = CDP(a.chromium, a.timeout)
    try:
        walk = Walk(cdp)
        for i, step in enumerate(a.steps, 1):
            failure = walk.step(step)
            if failure:
                print(f"walk.py: step {i} ({step.split(' ', 1)[0]}): {failure}", file=sys.stderr)
                print("=== the page at that step:\n" + walk.text(), file=sys.stderr)
                return 1
        return 0
    except (TimeoutError, EOFError, RuntimeError) as e:
        print(f"walk.py: {e}", file=sys.stderr)
        return 1
    finally:
        cdp.close()


if __name__ == "__main__":
    sys.exit(main())
