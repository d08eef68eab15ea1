#!/usr/bin/env python3
"""Renders a watchlink HTML report in headless Chromium and checks it.

Usage: report_check.py CHROMIUM REPORT.html SCREENSHOT.png [KEY=COUNT ...] [--text STRING ...]
                       [--height PIXELS]

Talks the Chrome DevTools Protocol over --remote-debugging-pipe (file
descriptors 3 and 4, NUL-terminated JSON messages), so it needs nothing but
the Python standard library and the browser. Checks:
  - no console error, uncaught exception or browser log error (a blocked
    script or fetch shows up there: the report's CSP forbids both);
  - the page has no <script> element;
  - every chart (svg.chart) has a non-empty bounding box on the page, and its
    drawn content a non-empty getBBox();
  - every KEY=COUNT equals the page's [data-count=KEY] text;
  - every --text STRING appears in the rendered text (escaped markup shows as text).
Writes a full-page screenshot (the top PIXELS of it with --height: the README's
picture is `--height 1900` of the demo's report). Exit 0 when all checks pass, 1 otherwise.
"""
import base64
import json
import os
import subprocess
import sys
import tempfile
import time

TIMEOUT = 90.0


class Browser:
    def __init__(self, chromium, profile):
        cmd_r, cmd_w = os.pipe()    # we write commands, the browser reads fd 3
        resp_r, resp_w = os.pipe()  # the browser writes fd 4, we read
        # Move the child's ends above 9 so dup2 onto 3 and 4 cannot clobber them.
        hi_r, hi_w = _dup_high(cmd_r), _dup_high(resp_w)

        def child():
            os.dup2(hi_r, 3)
            os.dup2(hi_w, 4)

        self.proc = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars",
             "--remote-debugging-pipe", "--user-data-dir=" + profile, "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=child, close_fds=False)
        for fd in (cmd_r, resp_w, hi_r, hi_w):
            os.close(fd)
        self.out = os.fdopen(cmd_w, "wb", buffering=0)
        self.inp = os.fdopen(resp_r, "rb", buffering=0)
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.deadline = time.monotonic() + TIMEOUT

    def _read_message(self):
        while b"\0" not in self.buf:
            if time.monotonic() > self.deadline:
                raise TimeoutError("no answer from chromium")
            chunk = self.inp.read(1 << 16)
            if not chunk:
                raise EOFError("chromium closed the pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.out.write(json.dumps(msg).encode() + b"\0")
        while True:
            m = self._read_message()
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method):
        for i, m in enumerate(self.events):
            if m.get("method") == method:
                return self.events.pop(i)
        while True:
            m = self._read_message()
            if m.get("method") == method:
                return m
            self.events.append(m)

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _dup_high(fd):
    import fcntl
    return fcntl.fcntl(fd, fcntl.F_DUPFD, 10)


PROBE = r"""
(() => {
  const charts = [...document.querySelectorAll('svg.chart')].map((s, i) => {
    const r = s.getBoundingClientRect(), b = s.getBBox();
    return { i, label: s.getAttribute('aria-label'), w: r.width, h: r.height, bw: b.width, bh: b.height };
  });
  const counts = {};
  document.querySelectorAll('[data-count]').forEach(e => { counts[e.dataset.count] = e.textContent.trim(); });
  return JSON.stringify({ charts, counts, scripts: document.scripts.length,
                          text: document.body.innerText,
                          height: document.documentElement.scrollHeight });
})()
"""


def main(argv):
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    chromium, report, shot = argv[1], os.path.abspath(argv[2]), argv[3]
    want, texts, rest, max_height = {}, [], argv[4:], 16000
    while rest:
        a = rest.pop(0)
        if a == "--text":
            texts.append(rest.pop(0))
        elif a == "--height":
            max_height = int(rest.pop(0))
        else:
            k, v = a.split("=", 1)
            want[k] = v
    fails = []
    with tempfile.TemporaryDirectory() as profile:
        b = Browser(chromium, profile)
        try:
            target = b.send("Target.createTarget", {"url": "about:blank"})["targetId"]
            s = b.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            for domain in ("Page", "Runtime", "Log"):
                b.send(domain + ".enable", session=s)
            b.send("Emulation.setDeviceMetricsOverride",
                   {"width": 1100, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session=s)
            b.send("Page.navigate", {"url": "file://" + report}, session=s)
            b.wait_event("Page.loadEventFired")
            res = b.send("Runtime.evaluate", {"expression": PROBE, "returnByValue": True}, session=s)
            page = json.loads(res["result"]["value"])
            height = min(int(page["height"]), max_height)
            shotres = b.send("Page.captureScreenshot",
                             {"format": "png", "captureBeyondViewport": True,
                              "clip": {"x": 0, "y": 0, "width": 1100, "height": height, "scale": 1}},
                             session=s)
            with open(shot, "wb") as f:
                f.write(base64.b64decode(shotres["data"]))
            # Late console messages arrive as events: give them a moment.
            b.send("Runtime.evaluate", {"expression": "1"}, session=s)
        finally:
            b.close()
    for m in b.events:
        meth, p = m.get("method"), m.get("params", {})
        if meth == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            fails.append("console error: %s" % json.dumps(p.get("args"))[:300])
        elif meth == "Runtime.exceptionThrown":
            fails.append("exception: %s" % json.dumps(p.get("exceptionDetails"))[:300])
        elif meth == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            fails.append("log error: %s" % p["entry"].get("text", "")[:300])
    if page["scripts"]:
        fails.append("%d <script> elements in the page" % page["scripts"])
    if not page["charts"]:
        fails.append("no charts")
    for c in page["charts"]:
        if not (c["w"] > 0 and c["h"] > 0 and c["bw"] > 0 and c["bh"] > 0):
            fails.append("chart %d (%s) has an empty box: %s" % (c["i"], c["label"], c))
    for k, v in want.items():
        got = page["counts"].get(k)
        if got != v:
            fails.append("count %s: page says %s, the run %s" % (k, got, v))
    for t in texts:
        if t not in page["text"]:
            fails.append("text %r not rendered" % t)
    for f in fails:
        print("FAIL: " + f, file=sys.stderr)
    print("%d charts, %d counts checked, %d failures" % (len(page["charts"]), len(want), len(fails)))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
