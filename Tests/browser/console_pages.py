#!/usr/bin/env python3
"""Sign in to muster's console in headless Chromium, open pages, and say what each showed.

    console_pages.py BASE PASSWORD SHOTS PATH... [--press-in-frames SELECTOR] [--timeout SECONDS]
                     [--chromium PATH]

Signs in on BASE/sign-in with PASSWORD, then opens each PATH (e.g. /report, /rules?rule=welcome)
at a desktop width (1000 px), saves a full-page screenshot as SHOTS/console-NAME.png (and, when it
shows a frame, the view of the first one as console-NAME-frame.png), then opens it
again at a phone's width (390 px). Prints one JSON object: for each path, the page's visible text,
its SVG charts with their laid-out sizes, how many chart shapes have a size, its iframes (address,
sandbox attribute, size, and the visible text of the framed document as Chromium drew it), links
whose text ends in .csv, the number of scripts, how wide the page gets on the phone against that
width, which of the navigation, the report's choices and its downloads print leaves out and the
size of an A4 PDF print, every URL asked of the network, and the errors the page or its frames logged (a
Content-Security-Policy violation is one). --press-in-frames clicks SELECTOR inside every frame
first (what a form there sends shows in the URLs asked for). Exit status 0 unless Chromium could not be driven.
Uses the DevTools client of press.py (Python's standard library only).
"""
import argparse
import base64
import json
import os
import re
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from press import CDP  # noqa: E402

MEASURE = """(() => {
  const size = e => { const r = e.getBoundingClientRect(); return {width: r.width, height: r.height}; };
  return {
    text: document.body.innerText,
    svgs: Array.from(document.querySelectorAll('svg')).map(s => Object.assign({label: s.getAttribute('aria-label')}, size(s))),
    shapes: Array.from(document.querySelectorAll('svg rect, svg polyline, svg circle'))
      .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; }).length,
    iframes: Array.from(document.querySelectorAll('iframe')).map(f => Object.assign(
      {src: f.getAttribute('src'), sandbox: f.getAttribute('sandbox'), title: f.getAttribute('title'),
       shown: !f.closest('details') || f.closest('details').open}, size(f))),
    csv: Array.from(document.querySelectorAll('a')).filter(a => /\\.csv\\)?$/.test(a.textContent.trim()))
      .map(a => a.getAttribute('href')),
    scripts: document.querySelectorAll('script').length,
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
  };
})()"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("password")
    ap.add_argument("shots")
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--press-in-frames", help="CSS selector of something to click inside every frame (a form's button)")
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    a = ap.parse_args()
    cdp = CDP(a.chromium, a.timeout)
    frames = {}  # frame sessions (out-of-process iframes), by target id

    def enable(session):
        for domain in ("Page", "Log", "Runtime", "Network"):
            cdp.send(domain + ".enable", session=session)

    try:
        target = cdp.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        s = cdp.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        enable(s)
        # Frames Chromium puts in a process of their own (a sandboxed frame may be one) come as targets.
        cdp.send("Target.setAutoAttach", {"autoAttach": True, "waitForDebuggerOnStart": False, "flatten": True}, session=s)

        def metrics(width, height, mobile):
            cdp.send("Emulation.setDeviceMetricsOverride",
                     {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}, session=s)

        def load(url):
            cdp.send("Page.navigate", {"url": url}, session=s)
            cdp.wait_event("Page.loadEventFired", s)

        def evaluate(expression, session, context=None):
            params = {"expression": expression, "returnByValue": True}
            if context is not None:
                params["contextId"] = context
            r = cdp.send("Runtime.evaluate", params, session=session)
            return r.get("result", {}).get("value")

        def wait_text(session):
            deadline = time.monotonic() + a.timeout
            while True:
                text = evaluate("document.readyState === 'complete' && document.body ? document.body.innerText : null", session)
                if text is not None or time.monotonic() > deadline:
                    return text or ""
                time.sleep(0.1)

        metrics(1000, 800, False)
        load(a.base + "/sign-in")
        evaluate(f"document.querySelector('#password').value = {json.dumps(a.password)}", s)
        evaluate("document.querySelector('button[type=submit]').click()", s)
        cdp.wait_event("Page.loadEventFired", s)

        out = {"signedIn": evaluate("location.pathname", s), "pages": {}}
        for path in a.paths:
            cdp.events = []
            metrics(1000, 800, False)
            load(a.base + path)
            page = evaluate(MEASURE, s)
            # The framed documents' text, read through DevTools (a sandboxed document runs no script of
            # its own): Chromium puts a sandboxed frame in a process of its own, attached as a target.
            # Waits until every frame of the page is accounted for (attached, or in the page's process).
            deadline = time.monotonic() + a.timeout
            while True:
                tree = cdp.send("Page.getFrameTree", session=s)["frameTree"]
                attached = [m for m in cdp.events if m.get("method") == "Target.attachedToTarget"
                            and m["params"]["targetInfo"]["type"] == "iframe"]
                if len(attached) + len(tree.get("childFrames", [])) >= len(page["iframes"]) or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            texts = []
            for m in attached:
                fs = m["params"]["sessionId"]
                enable(fs)
                texts.append(wait_text(fs))
                if a.press_in_frames:
                    evaluate(f"(() => {{ const b = document.querySelector({json.dumps(a.press_in_frames)}); "
                             f"if (b) b.click(); }})()", fs)
                    time.sleep(0.5)
            for child in tree.get("childFrames", []):  # frames kept in the page's own process
                world = cdp.send("Page.createIsolatedWorld", {"frameId": child["frame"]["id"], "worldName": "measure"}, session=s)
                texts.append(evaluate("document.body ? document.body.innerText : ''", s, world["executionContextId"]))
            page["frameTexts"] = texts
            name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "root"
            shot = cdp.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session=s)
            page["screenshot"] = os.path.join(a.shots, f"console-{name}.png")
            with open(page["screenshot"], "wb") as f:
                f.write(base64.b64decode(shot["data"]))
            if any(f["shown"] for f in page["iframes"]):
                # A full-page capture leaves out-of-process frames blank: the first shown frame in view as well.
                evaluate("Array.from(document.querySelectorAll('iframe')).find(f => !f.closest('details') || f.closest('details').open)"
                         ".scrollIntoView({block: 'center'})", s)
                time.sleep(0.5)
                shot = cdp.send("Page.captureScreenshot", {"format": "png"}, session=s)
                page["frameScreenshot"] = os.path.join(a.shots, f"console-{name}-frame.png")
                with open(page["frameScreenshot"], "wb") as f:
                    f.write(base64.b64decode(shot["data"]))
            # Printed on A4: what print leaves out, and the PDF's size.
            cdp.send("Emulation.setEmulatedMedia", {"media": "print"}, session=s)
            page["printHidden"] = evaluate("['header', 'form.choose', '.downloads', 'nav'].filter(q => { const e = document.querySelector(q); "
                                           "return e && e.getClientRects().length === 0; })", s)
            cdp.send("Emulation.setEmulatedMedia", {"media": ""}, session=s)
            pdf = cdp.send("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": True}, session=s)
            page["pdfBytes"] = len(base64.b64decode(pdf["data"]))
            metrics(390, 844, True)
            load(a.base + path)
            phone = evaluate(MEASURE, s)
            page["phoneScrollWidth"], page["phoneWidth"] = phone["scrollWidth"], phone["innerWidth"]
            page["requests"] = [m["params"]["request"]["url"] for m in cdp.events
                                if m.get("method") == "Network.requestWillBeSent"]
            page["errors"] = cdp.errors()
            out["pages"][path] = page
        print(json.dumps(out))
        return 0
    except (TimeoutError, EOFError, RuntimeError) as e:
        print(f"console_pages.py: {e}", file=sys.stderr)
        return 1
    finally:
        cdp.close()


if __name__ == "__main__":
    sys.exit(main())
