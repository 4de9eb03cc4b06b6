#!/usr/bin/python3
"""Opens a scarmap index.html in headless Chromium and checks that it really works.

Drives Chromium through the DevTools protocol over --remote-debugging-pipe (standard library
only, no port, no network), so the page's JavaScript runs for real and every console error,
uncaught exception, failed resource load or dialog is seen.

Usage: check_index_page.py PAGE --rows N --failed M [--text T]... [--order COLUMN=stem,stem,...]...
Checks: no console error / exception / failed load / dialog; N table rows and M failed items;
every link and thumbnail points at an existing file and every thumbnail decodes; each text T is
shown literally; clicking each numeric column header sorts its values ascending (numerically,
empty values last), clicking again descending; --order: the stems after one click on COLUMN.
Exit 0 when every check passes, 1 when one fails, 77 when no Chromium is installed (never on CI).
"""
import argparse
import fcntl
import json
import os
import pathlib
import select
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

SKIP = 77


class Browser:
    """Chromium with the DevTools protocol on fds 3 (commands in) and 4 (replies out)."""

    def __init__(self, binary, profile):
        cmd_r, cmd_w = os.pipe()
        res_r, res_w = os.pipe()
        # Move the child's ends above 3/4 so that dup2 onto 3 and 4 can never be a no-op.
        cmd_r = self._high(cmd_r)
        res_w = self._high(res_w)

        def child_fds():
            os.dup2(cmd_r, 3)
            os.dup2(res_w, 4)

        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-extensions",
                 "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1280,900",
                 "--remote-debugging-pipe",
                 "--user-data-dir=" + profile, "about:blank"]
        self.proc = subprocess.Popen([binary] + flags, preexec_fn=child_fds, pass_fds=(3, 4),
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        os.close(cmd_r)
        os.close(res_w)
        self.out = cmd_w
        self.inp = res_r
        self.buf = b""
        self.next_id = 0
        self.events = []

    @staticmethod
    def _high(fd):
        high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(fd)
        return high

    def _read_message(self, deadline):
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no reply from Chromium")
            ready, _, _ = select.select([self.inp], [], [], left)
            if ready:
                chunk = os.read(self.inp, 1 << 16)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe")
                self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        msg = json.loads(msg)
        if msg.get("method") == "Page.javascriptDialogOpening":
            # A dialog would block the page: dismiss it (it is reported as a problem).
            self.next_id += 1
            os.write(self.out, json.dumps({
                "id": self.next_id, "method": "Page.handleJavaScriptDialog",
                "params": {"accept": False}, "sessionId": msg.get("sessionId")}).encode() + b"\0")
        return msg

    def call(self, method, params=None, session=None, timeout=15.0):
        self.next_id += 1
        call_id = self.next_id
        msg = {"id": call_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.out, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == call_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method, timeout=15.0):
        for i, e in enumerate(self.events):
            if e.get("method") == method:
                return self.events.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            e = self._read_message(deadline)
            if e.get("method") == method:
                return e
            self.events.append(e)

    def close(self):
        try:
            self.call("Browser.close", timeout=5.0)
        except Exception:  # noqa: BLE001 - closing is best effort; kill below
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def problems_in(events):
    """Console errors, uncaught exceptions, failed loads and dialogs among the events."""
    out = []
    for e in events:
        m, p = e.get("method"), e.get("params", {})
        if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            out.append("console." + p["type"] + ": " +
                       " ".join(str(a.get("value", a.get("description", ""))) for a in p["args"]))
        elif m == "Runtime.exceptionThrown":
            d = p["exceptionDetails"]
            out.append("exception: " + d.get("exception", {}).get("description", d.get("text")))
        elif m == "Log.entryAdded" and p["entry"]["level"] == "error":
            out.append("log: " + p["entry"]["text"] + " " + p["entry"].get("url", ""))
        elif m == "Page.javascriptDialogOpening":
            out.append("dialog: " + p.get("message", ""))
    return out


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("page")
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--failed", type=int, required=True)
    ap.add_argument("--text", action="append", default=[])
    ap.add_argument("--order", action="append", default=[])
    args = ap.parse_args(argv[1:])

    binary = find_chromium()
    if not binary:
        if os.environ.get("CI"):
            print("FAIL: no Chromium on CI (scripts/setup.sh installs the chromium package)")
            return 1
        print("SKIP: no Chromium installed")
        return SKIP

    page = pathlib.Path(args.page).resolve()
    failures = []
    with tempfile.TemporaryDirectory(prefix="scarmap-chromium-") as profile:
        b = Browser(binary, profile)
        try:
            check(b, page, args, failures)
        except (RuntimeError, TimeoutError, KeyError, TypeError) as e:
            failures.append(f"{type(e).__name__}: {e}")
        finally:
            failures += problems_in(b.events)
            b.close()

    for f in failures:
        print("FAIL:", f)
    print(f"{page.name}: {args.rows} rows, {args.failed} failed, "
          f"{'all checks passed' if not failures else str(len(failures)) + ' failures'}")
    return 1 if failures else 0


def check(b, page, args, failures):
    """Loads `page` in the browser and appends what is wrong to `failures`."""
    target = b.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    s = b.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Runtime", "Log", "Page"):
        b.call(domain + ".enable", session=s)
    b.call("Page.navigate", {"url": page.as_uri()}, session=s)
    b.wait_event("Page.loadEventFired")

    def js(expr, await_promise=False):
        r = b.call("Runtime.evaluate", {"expression": expr, "returnByValue": True,
                                        "awaitPromise": await_promise}, session=s)
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expr}: {r['exceptionDetails']}")
        return r["result"].get("value")

    # Lazy thumbnails below the fold: load them all, each must decode.
    broken = js("""Promise.all(Array.from(document.images).map(i => {
        i.loading = 'eager'; return i.decode().then(() => null, () => i.getAttribute('src'));
      })).then(r => r.filter(x => x))""", await_promise=True)
    if broken:
        failures.append(f"thumbnails that do not decode: {broken}")

    rows = js("document.querySelectorAll('#results tbody tr').length")
    if rows != args.rows:
        failures.append(f"{rows} table rows, expected {args.rows}")
    failed = js("document.querySelectorAll('#failed li').length")
    if failed != args.failed:
        failures.append(f"{failed} failed items, expected {args.failed}")
    if js("document.scripts.length !== 1 || "
          "document.querySelectorAll('[onerror],[onload]').length > 0"):
        failures.append("markup from a file name reached the page")
    body = js("document.body.innerText")
    for t in args.text:
        if t not in body:
            failures.append(f"text not shown literally: {t!r}")

    links = js("Array.from(document.querySelectorAll('a[href], img[src]'))"
               ".map(e => e.getAttribute('href') || e.getAttribute('src'))")
    for link in links:
        if link.startswith("data:"):
            continue
        if "://" in link or link.startswith("/"):
            failures.append(f"non-relative link {link}")
            continue
        if not (page.parent / urllib.parse.unquote(link)).is_file():
            failures.append(f"link to a missing file: {link}")

    cols = js("""Array.from(document.querySelectorAll('#results thead th'))
                 .map(th => [th.dataset.key, th.dataset.type])""") or []

    def click_and_read(key):
        return js(f"""(() => {{
          const ths = Array.from(document.querySelectorAll('#results thead th'));
          const i = ths.findIndex(th => th.dataset.key === {json.dumps(key)});
          ths[i].querySelector('button').click();
          return {{sort: ths[i].getAttribute('aria-sort'),
                  keys: Array.from(document.querySelectorAll('#results tbody tr'))
                         .map(r => r.cells[i].dataset.v),
                  stems: Array.from(document.querySelectorAll('#results tbody tr'))
                         .map(r => r.cells[0].dataset.v)}};
        }})()""")

    def numeric_order_ok(keys, descending):
        vals = [float(k) for k in keys if k != ""]
        empties_last = all(k == "" for k in keys[len(vals):])
        return empties_last and vals == sorted(vals, reverse=descending)

    for key, kind in cols:
        if kind != "num":
            continue
        up = click_and_read(key)
        down = click_and_read(key)
        if up["sort"] != "ascending" or not numeric_order_ok(up["keys"], False):
            failures.append(f"{key}: first click does not sort ascending: {up}")
        if down["sort"] != "descending" or not numeric_order_ok(down["keys"], True):
            failures.append(f"{key}: second click does not sort descending: {down}")
    for spec in args.order:
        key, stems = spec.split("=", 1)
        js("document.querySelectorAll('#results thead th').forEach("
           "th => th.removeAttribute('aria-sort'))")
        got = click_and_read(key)["stems"]
        if got != stems.split(","):
            failures.append(f"{key}: order {got}, expected {stems.split(',')}")
    time.sleep(0.2)  # let late console messages arrive
    js("0")
    if js("document.title !== document.querySelector('h1').textContent"):
        failures.append("the page title changed: injected script ran")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
