#!/usr/bin/env python3
"""Drive one headless Chromium through several pages in a row, keeping its cookies between them.

    steps.py STEPS.json [--timeout SECONDS] [--chromium PATH]

STEPS.json holds a list of steps, done in order in one browser tab:

    {"go": URL}                      open URL and wait for it to load
    {"fill": SELECTOR, "value": V}   set a form field
    {"press": SELECTOR}              click it and wait for the next page to load
    {"expect": TEXT}                 the page's visible text must contain TEXT
    {"shot": PATH}                   save the page as a PNG
    {"touch": PATH}                  create the file PATH (tells the test a step is done)
    {"wait_file": PATH, "seconds": S} wait until the file PATH exists (the test says: go on)
    {"width": PX}                    lay pages out PX wide from now on (390: a phone), then reload
    {"fits": true}                   the page is no wider than the window (nothing to scroll sideways)

Prints one JSON object a line for each page loaded ({"step": N, "url": ..., "text": ...}), so the
test can read what each page said. Exit status 0 when every step succeeded and no page logged an
error (a Content-Security-Policy violation is one); 1 otherwise, with the reason on stderr. Uses
the DevTools client of press.py (Python's standard library only).
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


def main():
    ap = argparse.ArgumentParser(description="Several pages in a row in headless Chromium.")
    ap.add_argument("steps")
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    a = ap.parse_args()
    with open(a.steps) as f:
        steps = json.load(f)

    cdp = CDP(a.chromium, a.timeout)
    try:
        target = cdp.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        s = cdp.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Log", "Runtime"):
            cdp.send(domain + ".enable", session=s)

        def evaluate(expression):
            return cdp.send("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                            session=s)["result"].get("value")

        def loaded(n):
            cdp.wait_event("Page.loadEventFired", s)
            text = evaluate("document.body.innerText") or ""
            print(json.dumps({"step": n, "url": evaluate("location.href"), "text": text}), flush=True)
            errors = cdp.errors()
            if errors:
                raise RuntimeError("the page logged errors: " + " | ".join(errors))
            return text

        text = ""
        for n, step in enumerate(steps):
            if "go" in step:
                cdp.send("Page.navigate", {"url": step["go"]}, session=s)
                text = loaded(n)
            elif "fill" in step:
                sel = json.dumps(step["fill"])
                if evaluate(f"(() => {{ const f = document.querySelector({sel}); if (!f) return 'missing'; "
                            f"f.value = {json.dumps(step['value'])}; return 'filled'; }})()") != "filled":
                    raise RuntimeError(f"step {n}: no field matches {step['fill']!r}")
            elif "press" in step:
                sel = json.dumps(step["press"])
                if evaluate(f"(() => {{ const b = document.querySelector({sel}); if (!b) return 'missing'; "
                            f"b.click(); return 'pressed'; }})()") != "pressed":
                    raise RuntimeError(f"step {n}: nothing matches {step['press']!r} on a page that says: {text[:400]!r}")
                text = loaded(n)
            elif "expect" in step:
                if step["expect"] not in text:
                    raise RuntimeError(f"step {n}: the page does not contain {step['expect']!r}; it says: {text[:600]!r}")
            elif "shot" in step:
                shot = cdp.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session=s)
                with open(step["shot"], "wb") as f:
                    f.write(base64.b64decode(shot["data"]))
            elif "touch" in step:
                open(step["touch"], "w").close()
            elif "width" in step:
                cdp.send("Emulation.setDeviceMetricsOverride", {"width": int(step["width"]), "height": 800,
                         "deviceScaleFactor": 1, "mobile": int(step["width"]) < 600}, session=s)
                cdp.send("Page.reload", {}, session=s)
                text = loaded(n)
            elif "fits" in step:
                wide = evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                if wide[0] > wide[1]:
                    raise RuntimeError(f"step {n}: the page is {wide[0]} px wide in a {wide[1]} px window")
            elif "wait_file" in step:
                deadline = time.monotonic() + float(step.get("seconds", 60))
                while not os.path.exists(step["wait_file"]):
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"step {n}: {step['wait_file']} did not appear in time")
                    time.sleep(0.02)
            else:
                raise RuntimeError(f"step {n}: not a step: {step!r}")
        return 0
    except (TimeoutError, EOFError, RuntimeError) as e:
        print(f"steps.py: {e}", file=sys.stderr)
        return 1
    finally:
        cdp.close()


if __name__ == "__main__":
    sys.exit(main())
