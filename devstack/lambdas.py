"""Lambda invocations in the emulator run the project's own Python handlers.

moto's Lambda needs Docker to run code; with `{"lambda": {"use_docker": False}}`
it uses LambdaSimpleBackend, whose `invoke` only echoes the payload. Replacing
that one method makes a state machine's Task (and any `lambda.invoke`) call the
registered handler in this process, the way Lambda would: JSON payload in, JSON
result out, and a raised exception reported as a function error
(`X-Amz-Function-Error: Unhandled`, body `{"errorType", "errorMessage"}`), so
ASL Retry and Catch see the exception's class name as the error.

This patches a moto internal: moto is pinned (5.2.5) and tests/devstack pin the
behaviour. Handlers run in the emulator's request thread, outside the DynamoDB
lock, so a handler can call DynamoDB through the emulator.
"""
from __future__ import annotations

import json
import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from moto.awslambda_simple.models import LambdaSimpleBackend

from devstack import naming
from devstack.context import LambdaContext
from devstack.project import lambda_function_names

Handler = Callable[[Any, Any], Any]
log = logging.getLogger("devstack.lambdas")

_handlers: dict[str, Handler] = {}  # handler name (as in @app.lambda_function) -> handler
_lock = threading.Lock()
_original_invoke = LambdaSimpleBackend.invoke


def register(handler_name: str, handler: Handler) -> None:
    """Run `handler(event, context)` for the local function `naming.function_name(handler_name)`."""
    with _lock:
        _handlers[handler_name] = handler


def unregister(handler_name: str) -> None:
    with _lock:
        _handlers.pop(handler_name, None)


def register_app(app: Any) -> list[str]:
    """Register every `@app.lambda_function` of a Chalice app; returns their names."""
    names = lambda_function_names(app)
    for name in names:
        register(name, app.handler_map[name])
    return names


def install() -> None:
    """Patch moto (idempotent). Lasts for the process: the emulator lives as long."""
    LambdaSimpleBackend.invoke = _invoke  # type: ignore[method-assign]


def uninstall() -> None:
    LambdaSimpleBackend.invoke = _original_invoke  # type: ignore[method-assign]


def _invoke(
    self: LambdaSimpleBackend,
    function_name: str,
    qualifier: str | None,
    body: Any,
    headers: Any,
    response_headers: dict[str, str],
) -> bytes:
    name = naming.handler_name(function_name)
    with _lock:
        handler = _handlers.get(name) if name is not None else None
    if handler is None:
        # Lambda would run code we do not have; echoing the input (moto's
        # behaviour) would hide the mistake, so fail like a broken function.
        response_headers["x-amz-function-error"] = "Unhandled"
        return _error_payload(
            "Runtime.HandlerNotFound", f"no local handler registered for function {function_name}"
        )
    invocation_type = _header(headers, "X-Amz-Invocation-Type") or "RequestResponse"
    if invocation_type == "DryRun":
        return b""
    context = LambdaContext(
        function_name=naming.function_name(name),  # type: ignore[arg-type]
        invoked_function_arn=naming.function_arn(name, self.region_name),  # type: ignore[arg-type]
    )
    if invocation_type == "Event":
        # Asynchronous invoke: Lambda answers 202 at once and runs the handler later.
        threading.Thread(
            target=_call, args=(handler, body, context, {}), name=f"lambda-{name}", daemon=True
        ).start()
        return b""
    return _call(handler, body, context, response_headers)


def _header(headers: Any, name: str) -> str | None:
    # werkzeug headers ignore case; a plain dict (in-process mock_aws) may not.
    for key, value in dict(headers or {}).items():
        if key.lower() == name.lower():
            return value
    return None


def _call(handler: Handler, body: Any, context: LambdaContext, response_headers: dict[str, str]) -> bytes:
    try:
        raw = body.decode() if isinstance(body, bytes) else body
        event = json.loads(raw) if raw else {}
    except ValueError as exc:
        response_headers["x-amz-function-error"] = "Unhandled"
        return _error_payload("InvalidRequestContentException", f"payload is not JSON: {exc}")
    try:
        result = handler(event, context)
    except Exception as exc:
        if getattr(exc, "expected_retry", False):  # e.g. a timer that woke early: one line, no traceback
            log.info("function %s: %s (%s; retried)", context.function_name, exc, type(exc).__name__)
        else:
            log.exception("function %s failed (request %s)", context.function_name, context.aws_request_id)
        response_headers["x-amz-function-error"] = "Unhandled"
        return _error_payload(type(exc).__name__, str(exc), traceback.format_exception(exc))
    try:
        return json.dumps(result).encode()
    except (TypeError, ValueError) as exc:
        response_headers["x-amz-function-error"] = "Unhandled"
        return _error_payload("Runtime.MarshalError", f"Unable to marshal response: {exc}")


def _error_payload(error_type: str, message: str, stack: list[str] | None = None) -> bytes:
    payload: dict[str, Any] = {"errorMessage": message, "errorType": error_type}
    if stack:
        payload["stackTrace"] = [line.rstrip("\n") for line in stack]
    return json.dumps(payload).encode()
