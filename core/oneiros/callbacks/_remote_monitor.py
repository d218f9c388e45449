"""RemoteMonitor: each epoch's logs POSTed to an HTTP server, as Keras 3 does (standard library only)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import warnings
from typing import Any

from oneiros.callbacks._base import Callback


def _plain(value: Any) -> Any:
    """A log value as JSON can hold it: 0-d tensors and numpy scalars become Python numbers."""
    return value.item() if hasattr(value, "item") else value


class RemoteMonitor(Callback):
    """POSTs ``{"epoch": epoch, **logs}`` to ``root + path`` at the end of every epoch.

    With ``send_as_json`` the body is that JSON object (``Content-Type: application/json``);
    otherwise, as Keras, a form with one ``field`` holding the JSON text. A server that cannot be
    reached gives a warning, not an error: monitoring never stops training.

    Args:
        root: the server's root URL.
        path: the path the events are sent to.
        field: the form field holding the JSON text (when not ``send_as_json``).
        headers: extra HTTP headers, a dict of strings.
        send_as_json: send the JSON object itself as the request body.
        timeout: seconds to wait for the server on each epoch.

    Example::

        model.fit(x, y, epochs=5, callbacks=[oi.callbacks.RemoteMonitor("http://127.0.0.1:9000")])
    """

    def __init__(self, root: str = "http://localhost:9000", path: str = "/publish/epoch/end/",
                 field: str = "data", headers: dict[str, str] | None = None, send_as_json: bool = False,
                 timeout: float = 10.0) -> None:
        super().__init__()
        if urllib.parse.urlsplit(str(root)).scheme not in ("http", "https"):
            raise ValueError(f"RemoteMonitor: expected an http(s) URL as root; received root={root!r}.")
        if headers is not None and not all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items()):
            raise TypeError(f"RemoteMonitor: headers must map strings to strings; received {headers!r}.")
        self.root, self.path, self.field = root, path, field
        self.headers = dict(headers or {})
        self.send_as_json = bool(send_as_json)
        self.timeout = timeout

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        event = {"epoch": epoch, **{key: _plain(value) for key, value in (logs or {}).items()}}
        if self.send_as_json:
            body, content_type = json.dumps(event).encode(), "application/json"
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(event)}).encode()
            content_type = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.root + self.path, data=body, method="POST",
                                         headers={"Content-Type": content_type, **self.headers})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout):
                pass
        except (urllib.error.URLError, OSError) as error:
            warnings.warn(f"RemoteMonitor: could not reach the server at {self.root} ({error}).", stacklevel=2)

    def get_config(self) -> dict[str, Any]:
        return {"root": self.root, "path": self.path, "field": self.field, "headers": self.headers,
                "send_as_json": self.send_as_json, "timeout": self.timeout}
