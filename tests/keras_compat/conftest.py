"""Local HTTP servers on 127.0.0.1 for the tests that download or post (never the network)."""

from __future__ import annotations

import http.server
import threading

import pytest


@pytest.fixture(scope="module")
def serve():
    """``serve(handler_class)`` starts a threaded server on a free 127.0.0.1 port and returns its root
    URL; every server started is stopped when the module's tests are done."""
    servers = []

    def start(handler_class: type[http.server.BaseHTTPRequestHandler]) -> str:
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}"

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()
