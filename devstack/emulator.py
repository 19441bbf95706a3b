"""moto in server mode, in this process, with every DynamoDB request made atomic.

DynamoDB applies each request atomically; moto does not (conditional updates and
transactions race under threads, see shared platform notes). One lock around the
DynamoDB requests of the WSGI application restores the guarantee, so concurrency
tests against this emulator mean something. Other services are not serialised:
a Lambda invoke that waited on the lock while its handler called DynamoDB would
deadlock.
"""
from __future__ import annotations

import json
import os
import threading
import urllib.request
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import BaseWSGIServer, ThreadedWSGIServer

from devstack import activity, deferred_imports, fast_queries, fast_responses, in_process, timestamp_waits, transactions

DYNAMODB_TARGET_PREFIX = "DynamoDB_20120810."
# Requests that may add stream records: stream pollers are woken after them.
DYNAMODB_WRITES = {
    "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems",
    "ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction",
}


class QuietRequestHandler(MotoRequestHandler):
    """No access log per request: the dev console is for the API's own logs."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


class PooledWSGIServer(ThreadedWSGIServer):
    """Werkzeug's threaded server, with requests served by a pool of threads rather
    than a new thread each (it closes every connection after one request, so a thread
    per connection was a thread per request). The pool is large: a Step Functions task
    invokes a function whose handler calls DynamoDB, each a request of its own."""

    POOL_THREADS = 128

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pool = ThreadPoolExecutor(max_workers=self.POOL_THREADS, thread_name_prefix="moto")

    def process_request(self, request: Any, client_address: Any) -> None:
        self._pool.submit(self.process_request_thread, request, client_address)

    def server_close(self) -> None:
        super().server_close()
        self._pool.shutdown(wait=False, cancel_futures=True)


class SerialisedDynamoDB:
    """WSGI middleware: one DynamoDB request at a time, each one counted.

    Every request (any service) is also noted in ``seen``: what the emulator was
    asked since ``forget_seen()``, so a test harness knows how much state there
    is to undo (nothing, the table's items, or everything).
    """

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app
        self.lock = threading.Lock()
        self._counts_lock = threading.Lock()
        self.operations: list[str] = []
        self.seen: set[str] = set()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if not target.startswith(DYNAMODB_TARGET_PREFIX):
            path = environ.get("PATH_INFO", "")
            if not path.startswith("/moto-api/"):
                with self._counts_lock:
                    self.seen.add(target or f"{environ.get('REQUEST_METHOD', '')} {path}")
            return self.app(environ, start_response)
        operation = target[len(DYNAMODB_TARGET_PREFIX):]
        with self._counts_lock:
            self.operations.append(operation)
            self.seen.add(target)
        with self.lock:
            # Consume the whole response inside the lock: moto builds it lazily.
            response = list(self.app(environ, start_response))
        if operation in DYNAMODB_WRITES:
            activity.written()
        return response


class Dispatcher(DomainDispatcherApplication):
    """moto's dispatcher, remembering which backend serves a host.

    moto finds a request's backend by host on every request, listing its own
    package directory each time (a listdir and ~150 stats): a pure function of
    the host for a given moto install, so it is worked out once per host.
    """

    def __init__(self, create_app: Callable[..., Any]) -> None:
        super().__init__(create_app)
        self._backends_by_host: dict[str, Any] = {}

    def get_backend_for_host(self, host: str | None) -> Any:
        if host is None:
            return None
        # Called under moto's dispatcher lock.
        if host not in self._backends_by_host:
            self._backends_by_host[host] = super().get_backend_for_host(host)
        return self._backends_by_host[host]


class Emulator:
    """A moto server on 127.0.0.1 with Step Functions executing for real."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self.dynamodb = SerialisedDynamoDB(Dispatcher(create_backend_app))
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> Emulator:
        deferred_imports.defer_batch()
        transactions.install()
        fast_responses.install()
        fast_queries.install()
        timestamp_waits.install()
        self._server = PooledWSGIServer(self.host, self.port, self.dynamodb, handler=QuietRequestHandler)
        self.port = self._server.server_address[1]
        # moto's Step Functions interpreter calls Lambda and the aws-sdk/dynamodb
        # integrations over HTTP at http://localhost:$MOTO_PORT (5000 if unset),
        # not at the server that runs it: point it here. moto's state is global to
        # the process, so one running emulator per process is the model.
        os.environ["MOTO_PORT"] = str(self.port)
        self._thread = threading.Thread(target=self._server.serve_forever, name="moto", daemon=True)
        self._thread.start()
        self.configure({"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}})
        return self

    def route_in_process(self) -> Emulator:
        """Requests from this process reach the emulator without a socket (see
        devstack/in_process.py). Before any boto3 or PynamoDB client is built."""
        in_process.route_in_process(self.dynamodb, self.host, self.port)
        return self

    def stop(self) -> None:
        in_process.unroute(self.host, self.port)
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def configure(self, config: dict[str, Any]) -> None:
        self._moto_api("config", config)

    def reset(self) -> None:
        """Forget every resource and item (tests call this between cases)."""
        self._moto_api("reset", None)
        self.configure({"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}})

    # ---- counting, for tests that pin the DynamoDB cost of an operation ----
    def clear_log(self) -> None:
        with self.dynamodb._counts_lock:
            self.dynamodb.operations.clear()

    def dynamodb_operations(self) -> list[str]:
        with self.dynamodb._counts_lock:
            return list(self.dynamodb.operations)

    def dynamodb_counts(self) -> Counter[str]:
        return Counter(self.dynamodb_operations())

    # ---- what was asked since forget_seen(), for harnesses that undo it ----
    def seen(self) -> set[str]:
        """Every request kind since the last forget_seen(): `X-Amz-Target`
        (e.g. "DynamoDB_20120810.PutItem", "AWSStepFunctions.StartExecution")
        or "METHOD /path" for services without one (Lambda, IAM)."""
        with self.dynamodb._counts_lock:
            return set(self.dynamodb.seen)

    def forget_seen(self) -> None:
        with self.dynamodb._counts_lock:
            self.dynamodb.seen.clear()

    def _moto_api(self, path: str, body: dict[str, Any] | None) -> None:
        data = json.dumps(body).encode() if body is not None else b""
        request = urllib.request.Request(f"{self.endpoint_url}/moto-api/{path}", data=data, method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()

    @property
    def running(self) -> bool:
        return self._server is not None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
