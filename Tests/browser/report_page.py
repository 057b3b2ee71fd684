#!/usr/bin/env python3
"""Open a saved HTML report in headless Chromium and say how it is laid out.

    report_page.py FILE.html SCREENSHOT.png [--timeout SECONDS] [--chromium PATH]

Prints one JSON object: the page's SVG charts with their laid-out sizes, how many chart shapes
have a non-zero size, every URL the page asked for besides itself (it should ask for none), the
widest the page gets on a phone (390 px) against that width, the size of an A4 PDF print, and
errors the page logged. Writes a full-page screenshot at desktop width to SCREENSHOT.png.
Uses the DevTools client of press.py (Python's standard library only).
"""
import argparse
import base64
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from press import CDP  # noqa: E402

MEASURE = """(() => {
  const svgs = Array.from(document.querySelectorAll('svg')).map(s => {
    const r = s.getBoundingClientRect();
    return {label: s.getAttribute('aria-label'), width: r.width, height: r.height};
  });
  const shapes = Array.from(document.querySelectorAll('svg rect, svg polyline, svg circle'))
    .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; }).length;
  return {svgs, shapes, scripts: document.querySelectorAll('script').length,
          scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth};
})()"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("screenshot")
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    a = ap.parse_args()
    url = "file://" + os.path.abspath(a.file)
    cdp = CDP(a.chromium, a.timeout)
    try:
        target = cdp.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        s = cdp.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Log", "Runtime", "Network"):
            cdp.send(domain + ".enable", session=s)

        def load(width, height, mobile):
            cdp.send("Emulation.setDeviceMetricsOverride",
                     {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}, session=s)
            cdp.send("Page.navigate", {"url": url}, session=s)
            cdp.wait_event("Page.loadEventFired", s)
            return cdp.send("Runtime.evaluate", {"expression": MEASURE, "returnByValue": True}, session=s)["result"]["value"]

        phone = load(390, 844, True)
        desktop = load(1000, 800, False)
        shot = cdp.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session=s)
        with open(a.screenshot, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        pdf = cdp.send("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": True}, session=s)
        requests = [m["params"]["request"]["url"] for m in cdp.events
                    if m.get("method") == "Network.requestWillBeSent"
                    and m["params"]["request"]["url"] != url]
        print(json.dumps({
            "svgs": desktop["svgs"], "shapes": desktop["shapes"], "scripts": desktop["scripts"],
            "requests": requests, "phoneScrollWidth": phone["scrollWidth"], "phoneWidth": phone["innerWidth"],
            "pdfBytes": len(base64.b64decode(pdf["data"])), "errors": cdp.errors(),
        }))
        return 0
    except (TimeoutError, EOFError, RuntimeError) as e:
        print(f"report_page.py: {e}", file=sys.stderr)
        return 1
    finally:
        cdp.close()


if __name__ == "__main__":
    sys.exit(main())
