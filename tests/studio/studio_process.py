"""`cxjourney studio --no-browser` in a subprocess, and headless Chromium driving its page.

The browser is the project's DevTools-pipe driver (`tests/render/chromium.py`); this adds
what a page that changes by itself needs: go to a URL, wait until a condition holds in
the page, and type as a person does (the keystrokes' text, inserted where the cursor is).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.render import chromium


class Studio:
    """The studio serving FOLDER; `url` is the address it printed, token included."""

    def __init__(self, folder: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cxjourney", "studio", str(folder), "--no-browser"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            self.stop()
            raise RuntimeError(f"the studio did not start: {self.url!r} {self.errors()}")

    def errors(self) -> str:
        return self.process.stderr.read() if self.process.poll() is not None else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Page:
    """One Chromium tab on the studio."""

    def __init__(self, browser: chromium.Browser) -> None:
        self.browser = browser

    def go(self, url: str) -> None:
        self.browser.call("Page.navigate", {"url": url}, session=True)
        self.browser.wait_for("Page.loadEventFired")

    def value(self, expression: str):
        return self.browser.evaluate(expression)

    def wait(self, expression: str, timeout: float = 240.0):
        """The expression's value once it is truthy; fails with what the page shows."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.value(expression)
            if value:
                return value
            time.sleep(0.1)
        shown = self.value("document.getElementById('status').textContent")
        raise AssertionError(f"waited {timeout:g} s for {expression}; the page says {shown!r}")

    def select(self, needle: str, occurrence: int = 0) -> None:
        """Put the editor's selection on NEEDLE (its OCCURRENCE-th appearance)."""
        self.value(
            f"""(() => {{
              const view = window.studio.view, text = view.state.doc.toString();
              let at = -1;
              for (let i = 0; i <= {occurrence}; i++)
                at = text.indexOf({json.dumps(needle)}, at + 1);
              if (at < 0) throw new Error("not in the text: " + {json.dumps(needle)});
              view.focus();
              view.dispatch({{selection: {{anchor: at, head: at + {len(needle)}}}}});
            }})()"""
        )

    def type(self, text: str) -> None:
        """Type TEXT over the selection, a keystroke's text at a time."""
        for char in text:
            self.browser.call("Input.insertText", {"text": char}, session=True)

    def text(self) -> str:
        return self.value("window.studio.view.state.doc.toString()")

    def screenshot(self, path: Path, width: int, height: int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.browser.screenshot(width, height))


def browser_binary() -> str | None:
    return chromium.find()


def ci() -> bool:
    return bool(os.environ.get("CI"))
