"""nmt-serve's page in a real browser (issue 21): headless Chromium, driven over the DevTools
protocol, loads the page from nmt-serve on a loopback port, types two sentences into the text
box, clicks Translate, and checks that the translations and the attention heat-map appear, and
that choosing the other sentence draws its heat-map.

    /usr/bin/python3 tests/tools/serve_page_test.py BUILD_DIR/bin/nmt-serve MODEL [SCREENSHOT.png]

Needs Debian's chromium and python3-websocket (tools/install-deps.sh installs both).
"""

import base64
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket  # python3-websocket


def wait_for(pattern, stream_path, seconds):
    """The first match of `pattern` in the file `stream_path`, waiting up to `seconds`."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        with open(stream_path, encoding="utf-8", errors="replace") as f:
            m = re.search(pattern, f.read())
        if m:
            return m
        time.sleep(0.05)
    with open(stream_path, encoding="utf-8", errors="replace") as f:
        raise AssertionError(f"no '{pattern}' within {seconds} s in:\n{f.read()}")


class DevTools:
    """One page's DevTools protocol connection: commands by id, events skipped."""

    def __init__(self, url):
        self.ws = websocket.create_connection(url, timeout=60)
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_until(self, expression, seconds=30):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.evaluate(expression):
                return
            time.sleep(0.05)
        raise AssertionError(f"still false after {seconds} s: {expression}\n"
                             + str(self.evaluate("document.body.innerText")))

    def click(self, selector):
        """A real mouse click in the middle of the element."""
        box = self.evaluate(f"(() => {{ const r = document.querySelector('{selector}').getBoundingClientRect();"
                            " return [r.x + r.width / 2, r.y + r.height / 2]; })()")
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left", clickCount=1)


def main():
    server_binary, model = sys.argv[1], sys.argv[2]
    screenshot = sys.argv[3] if len(sys.argv) > 3 else None
    scratch = tempfile.mkdtemp(prefix="nmt-serve-page-")
    server_log, browser_log = os.path.join(scratch, "server.log"), os.path.join(scratch, "browser.log")
    server = browser = None
    try:
        with open(server_log, "w") as log:
            server = subprocess.Popen([server_binary, "-m", model, "--port", "0", "--threads", "1"], stderr=log)
        port = int(wait_for(r"listening on http://127\.0\.0\.1:(\d+)/", server_log, 60).group(1))
        wait_for(r"; ready", server_log, 60)
        with open(browser_log, "w") as log:
            browser = subprocess.Popen(
                ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                 "--user-data-dir=" + os.path.join(scratch, "profile"), "--window-size=1200,900", "about:blank"],
                stdout=subprocess.DEVNULL, stderr=log)
        devtools_port = int(wait_for(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", browser_log, 60).group(1))
        with urllib.request.urlopen(f"http://127.0.0.1:{devtools_port}/json/list", timeout=30) as r:
            page = next(t for t in json.load(r) if t["type"] == "page")
        tab = DevTools(page["webSocketDebuggerUrl"])
        tab.call("Page.enable")
        tab.call("Page.navigate", url=f"http://127.0.0.1:{port}/")
        tab.wait_until("document.readyState === 'complete' && "
                       "document.getElementById('model').textContent.includes('transformer')")
        # Type into the text box (keyboard input, not a script setting its value), then click.
        tab.evaluate("document.getElementById('source').focus()")
        tab.call("Input.insertText", text="With Python\nRetrieving Python Scripts")
        assert tab.evaluate("document.getElementById('source').value") == "With Python\nRetrieving Python Scripts"
        tab.click("#translate")
        tab.wait_until("document.querySelectorAll('#translations li').length === 2 && "
                       "document.querySelector('#heatmap') !== null")
        texts = tab.evaluate("[...document.querySelectorAll('#translations li')]"
                             ".map(li => li.firstChild.textContent)")
        assert texts == ["En Python", "Récupération des scripts Python"], texts
        status = tab.evaluate("document.getElementById('status').textContent")
        assert status.startswith("Translated 2 sentence(s) in "), status
        # The first sentence's heat-map: a cell per target x source subword, their labels.
        cells = tab.evaluate("document.querySelectorAll('#heatmap rect.cell').length")
        labels = tab.evaluate("document.querySelectorAll('#heatmap text').length")
        assert cells > 0 and labels > 0, (cells, labels)
        first_cells = cells
        tab.click("#translations li:nth-child(2)")
        tab.wait_until("document.getElementById('heatmap-caption').textContent.startsWith('Attention of sentence 2')")
        cells = tab.evaluate("document.querySelectorAll('#heatmap rect.cell').length")
        assert cells > first_cells, (first_cells, cells)  # the longer sentence has more cells
        assert tab.evaluate("document.querySelector('#translations li.chosen').firstChild.textContent") == \
            "Récupération des scripts Python"
        if screenshot:
            with open(screenshot, "wb") as f:
                f.write(base64.b64decode(tab.call("Page.captureScreenshot", format="png")["data"]))
        print(f"serve_page_test: passed (translations {texts}, heat-maps of {first_cells} and {cells} cells)")
    finally:
        for process in (browser, server):
            if process and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
