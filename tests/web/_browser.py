"""A headless Chromium driven through the Chrome DevTools protocol, and a static server on 127.0.0.1.

The protocol travels over ``--remote-debugging-pipe`` (JSON messages ending in NUL, read by
Chromium on fd 3 and written on fd 4): no port to find or race for, no WebSocket client, nothing
beyond the standard library. Chromium (Debian's package) and npm are installed with apt-get when
missing and the tests run as root; where that cannot be done, the tests are skipped with the reason.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import posixpath
import queue
import shutil
import signal
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

INSTALL_TIMEOUT_S = 900
CALL_TIMEOUT_S = 60
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
    "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-quic", "--disable-extensions", "--disable-default-apps", "--mute-audio",
    "--hide-scrollbars", "--window-size=860,700", "--remote-debugging-pipe",
)


def ensure_command(command: str, debian_package: str) -> str:
    """The path of ``command``, installing ``debian_package`` with apt-get when it is missing and
    we are root; skips the test, saying why, when it cannot be had."""
    found = shutil.which(command)
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip(f"{command} is missing and cannot be installed here (needs root and apt-get to install "
                    f"Debian's {debian_package}).")
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for step in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", debian_package]):
        done = subprocess.run(step, env=environment, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S)
        if done.returncode:
            pytest.skip(f"{command} is missing and `{' '.join(step)}` failed ({done.returncode}): "
                        f"{done.stderr.strip()[-500:]}")
    found = shutil.which(command)
    if not found:
        pytest.skip(f"apt-get installed {debian_package}, but there is still no {command} on PATH.")
    return found


class DevTools:
    """A Chrome DevTools protocol connection over a pair of pipes.

    A reader thread parses every message: answers go to whoever waits for their id, events to
    :attr:`events`, so a command can never block on a browser that stopped talking.
    """

    def __init__(self, to_browser: int, from_browser: int) -> None:
        self._writer = os.fdopen(to_browser, "wb", buffering=0)
        self._reader = os.fdopen(from_browser, "rb", buffering=0)
        self._answers: dict[int, queue.SimpleQueue] = {}
        self._lock = threading.Lock()
        self._next_id = 0
        self._closed = False
        self.events: list[dict[str, Any]] = []
        threading.Thread(target=self._read, name="devtools-reader", daemon=True).start()

    def _read(self) -> None:
        pending = b""
        with contextlib.suppress(OSError):
            while chunk := self._reader.read(1 << 16):
                pending += chunk
                *messages, pending = pending.split(b"\0")
                for raw in messages:
                    self._dispatch(json.loads(raw))
        with self._lock:
            self._closed = True
            waiters, self._answers = list(self._answers.values()), {}
        for waiter in waiters:
            waiter.put({"error": "the browser closed the DevTools pipe"})

    def _dispatch(self, message: dict[str, Any]) -> None:
        with self._lock:
            waiter = self._answers.pop(message["id"], None) if "id" in message else None
        if waiter is None:
            self.events.append(message)
        else:
            waiter.put(message)

    def call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None,
             timeout: float = CALL_TIMEOUT_S) -> dict[str, Any]:
        """The result of one protocol command; raises with the browser's error message."""
        answer: queue.SimpleQueue = queue.SimpleQueue()
        with self._lock:
            if self._closed:
                raise RuntimeError(f"DevTools {method}: the browser closed the DevTools pipe.")
            self._next_id += 1
            message = {"id": self._next_id, "method": method, "params": params or {}}
            self._answers[self._next_id] = answer
        if session is not None:
            message["sessionId"] = session
        self._writer.write(json.dumps(message).encode() + b"\0")
        try:
            reply = answer.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"DevTools {method} got no answer in {timeout} s.") from None
        if "error" in reply:
            raise RuntimeError(f"DevTools {method} failed: {reply['error']}")
        return reply["result"]

    def close(self) -> None:
        for stream in (self._writer, self._reader):
            with contextlib.suppress(OSError):
                stream.close()


class Page:
    """One browser tab: navigate, evaluate JavaScript, send pointer input, take screenshots."""

    def __init__(self, devtools: DevTools, session: str) -> None:
        self.devtools, self.session = devtools, session
        self.url = "about:blank"

    def call(self, method: str, params: dict[str, Any] | None = None, timeout: float = CALL_TIMEOUT_S) -> dict:
        return self.devtools.call(method, params, self.session, timeout)

    def evaluate(self, expression: str, timeout: float = CALL_TIMEOUT_S) -> Any:
        """The JSON value of ``expression`` (awaited when it is a promise); raises on a JavaScript error."""
        result = self.call("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                                "returnByValue": True}, timeout)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise RuntimeError(f"JavaScript error: {details.get('exception', {}).get('description', details)}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = CALL_TIMEOUT_S) -> Any:
        """Polls ``expression`` until it is truthy; returns its value."""
        deadline = time.monotonic() + timeout
        while not (value := self.evaluate(expression)):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{expression!r} stayed falsy for {timeout} s; console: {self.console()}")
            time.sleep(0.05)
        return value

    def navigate(self, url: str) -> None:
        self.call("Page.navigate", {"url": url})
        self.url = url
        self.wait_for(f"location.href === {json.dumps(url)} && document.readyState === 'complete'")

    def mouse_stroke(self, points: list[tuple[float, float]]) -> None:
        """Presses the left button at the first point, drags through the others, releases."""
        (x, y), *rest = points
        self.call("Input.dispatchMouseEvent", {"type": "mousePressed", "x": x, "y": y, "button": "left",
                                               "buttons": 1, "clickCount": 1})
        for x, y in rest:
            self.call("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y, "button": "left",
                                                   "buttons": 1})
        self.call("Input.dispatchMouseEvent", {"type": "mouseReleased", "x": x, "y": y, "button": "left",
                                               "buttons": 0, "clickCount": 1})

    def touch_stroke(self, points: list[tuple[float, float]]) -> None:
        """One finger down at the first point, moved through the others, lifted."""
        (x, y), *rest = points
        self.call("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
        for x, y in rest:
            self.call("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
        self.call("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})

    def screenshot(self) -> bytes:
        return base64.b64decode(self.call("Page.captureScreenshot", {"format": "png"})["data"])

    def console(self) -> list[str]:
        """What the page logged and threw so far (for failure messages)."""
        lines = []
        for event in self.devtools.events:
            params = event.get("params", {})
            if event.get("method") == "Runtime.consoleAPICalled":
                lines.append(" ".join(str(arg.get("value", arg.get("description", ""))) for arg in params["args"]))
            elif event.get("method") == "Runtime.exceptionThrown":
                lines.append(params["exceptionDetails"].get("exception", {}).get("description", "exception"))
        return lines


def _high_fd(fd: int) -> int:
    """``fd`` moved to a number above 9, so bash can map it to 3 or 4 without clobbering it."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return moved


@contextlib.contextmanager
def chromium_page(executable: str, profile: Path, log_path: Path) -> Iterator[Page]:
    """A headless Chromium with one blank tab; the browser and all its processes stop on exit."""
    browser_reads, we_write = map(_high_fd, os.pipe())
    we_read, browser_writes = map(_high_fd, os.pipe())
    command = f'exec "$0" "$@" 3<&{browser_reads} 4>&{browser_writes} {browser_reads}<&- {browser_writes}>&-'
    with open(log_path, "wb") as log:
        process = subprocess.Popen(["bash", "-c", command, executable, *CHROMIUM_FLAGS,
                                    f"--user-data-dir={profile}", "about:blank"],
                                   pass_fds=(browser_reads, browser_writes), stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    os.close(browser_reads)
    os.close(browser_writes)
    devtools = DevTools(we_write, we_read)
    try:
        targets = devtools.call("Target.getTargets")["targetInfos"]
        tab = next(target for target in targets if target["type"] == "page")
        session = devtools.call("Target.attachToTarget", {"targetId": tab["targetId"], "flatten": True})["sessionId"]
        page = Page(devtools, session)
        page.call("Runtime.enable")
        page.call("Page.enable")
        yield page
    finally:
        with contextlib.suppress(Exception):
            devtools.call("Browser.close", timeout=5)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        # Renderer and helper processes share the browser's process group: none outlives the test.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        devtools.close()


class _SiteHandler(SimpleHTTPRequestHandler):
    """Serves ``directory``, and the files of each ``mounts[name]`` folder under /name/."""

    extensions_map = {".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm",
                      ".json": "application/json", ".onnx": "application/octet-stream"}

    def __init__(self, *args: Any, mounts: dict[str, Path], log: list[str], **kwargs: Any) -> None:
        self.mounts, self.log = mounts, log
        super().__init__(*args, **kwargs)

    def translate_path(self, path: str) -> str:
        folder, _, name = urllib.parse.urlsplit(path).path.lstrip("/").partition("/")
        if folder in self.mounts:
            return str(self.mounts[folder] / posixpath.basename(name))
        return super().translate_path(path)

    def log_message(self, format: str, *args: Any) -> None:
        self.log.append(format % args)


@contextlib.contextmanager
def static_site(directory: Path, mounts: dict[str, Path]) -> Iterator[tuple[str, list[str]]]:
    """(base URL, request log) of a server of ``directory`` and ``mounts`` (see _SiteHandler) on a
    free port of 127.0.0.1, stopped on exit."""
    log: list[str] = []
    handler = partial(_SiteHandler, directory=str(directory), mounts=mounts, log=log)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="static-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", log
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
