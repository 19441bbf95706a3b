"""Requests from this process to its own emulator, handed to the emulator's WSGI
application directly instead of over a socket.

The test suite and `make dev` run the application, its Lambda handlers, the stream
pollers and the emulator in one process: every DynamoDB request crossed loopback
TCP twice (botocore's urllib3 pool, werkzeug's HTTP parser and a pool thread) for
nothing.
Measured with `bench/emulator_transport.py`: about half of each request's CPU.
Nothing else changes: the same WSGI application answers (with its DynamoDB
lock, counts and `seen` log), botocore still serialises, signs and parses every
request and response, and requests from other processes (the dev server's
clients, `make job`, the AWS CLI) still arrive over HTTP.

botocore's `before-send` event is its documented way for a handler to answer a
request instead of the network (moto's own in-memory mode uses it); handlers in
`botocore.handlers.BUILTIN_HANDLERS` join every session created afterwards, so
`route_in_process` must run before any client is built.
"""
from __future__ import annotations

import io
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from botocore import handlers
from botocore.awsrequest import AWSPreparedRequest, AWSResponse

WSGIApp = Callable[..., Any]


class _RawBody(io.BytesIO):
    """The body as urllib3's response would give it to botocore."""

    def stream(self, **_kwargs: Any) -> Iterator[bytes]:
        chunk = self.read()
        while chunk:
            yield chunk
            chunk = self.read()


_routes: dict[str, WSGIApp] = {}  # "host:port" -> the emulator's WSGI application
_lock = threading.Lock()


def route_in_process(app: WSGIApp, host: str, port: int) -> None:
    """Answer every botocore request addressed to `host:port` (or `localhost:port`,
    the address moto's Step Functions interpreter calls back on) with `app`."""
    with _lock:
        if not _routes:
            handlers.BUILTIN_HANDLERS.append(("before-send", _send))
        for origin in _origins(host, port):
            _routes[origin] = app


def unroute(host: str, port: int) -> None:
    """The emulator stopped: its port may next be another's."""
    with _lock:
        for origin in _origins(host, port):
            _routes.pop(origin, None)


def _origins(host: str, port: int) -> set[str]:
    return {f"{host}:{port}", f"localhost:{port}", f"127.0.0.1:{port}"}


def _send(request: AWSPreparedRequest, **_kwargs: Any) -> AWSResponse | None:
    url = urlsplit(request.url)
    app = _routes.get(url.netloc)
    if app is None:
        return None  # anywhere else: over the network, as always
    status, headers, body = _call(app, request, url.netloc, url.path, url.query)
    return AWSResponse(request.url, status, headers, _RawBody(body))


def _call(app: WSGIApp, request: AWSPreparedRequest, netloc: str, path: str, query: str) -> tuple[int, dict[str, str], bytes]:
    body = request.body
    if body is None:
        body = b""
    elif hasattr(body, "read"):
        body = body.read()
    elif isinstance(body, str):
        body = body.encode()
    server_name, _, server_port = netloc.partition(":")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": server_name,
        "SERVER_PORT": server_port or "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_HOST": netloc,
    }
    for name, value in request.headers.items():
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = value
        elif key != "CONTENT_LENGTH":
            environ[f"HTTP_{key}"] = value

    started: list[Any] = []

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        started[:] = [status, response_headers]
        return lambda _data: None

    result = app(environ, start_response)
    try:
        payload = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    status, response_headers = started
    return int(status.split(" ", 1)[0]), dict(response_headers), payload
