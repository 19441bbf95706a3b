"""POST /graphql: parse the request, run the schema asynchronously, answer JSON.

Written here rather than taken from ``strawberry.chalice.views``: that view runs
``execute_sync`` (which cannot await DataLoaders) and its HTTP machinery costs
~80 ms of cold start for features we turn off (GET queries, multipart, the IDE).
Each request runs one ``asyncio.run``: a Lambda process serves one request at a
time, so a fresh loop per request costs nothing and shares nothing.

A refused token is never HTTP 401: the request runs anonymously and only the fields
that need a user answer UNAUTHENTICATED (README, "Conventions for client teams").
"""
from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import strawberry
from chalice.app import Request, Response

from chalicelib.core.authentication import authenticate
from chalicelib.core.graphql.context import RequestContext
from chalicelib.core.observability import begin_request, flush_metrics, logger
from chalicelib.core.settings import settings

MAX_BODY_BYTES = 64 * 1024


def _json(status: int, body: dict[str, Any], request_id: str) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status_code=status,
                    headers={"Content-Type": "application/json", "X-Request-Id": request_id})


def _refusal(status: int, code: str, message: str, request_id: str) -> Response:
    return _json(status, {"errors": [{"message": message, "extensions": {"code": code, "requestId": request_id}}]},
                 request_id)


def _operation(request: Request) -> tuple[str, dict[str, Any] | None, str | None]:
    """The query, variables and operation name of a JSON body, or ValueError."""
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise ValueError(f"the request body is over {MAX_BODY_BYTES} bytes")
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError("the request body is not JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get("query"), str) or not body["query"].strip():
        raise ValueError('send {"query": "...", "variables": {...}}')
    variables = body.get("variables")
    operation_name = body.get("operationName")
    if variables is not None and not isinstance(variables, dict):
        raise ValueError("variables must be an object")
    if operation_name is not None and not isinstance(operation_name, str):
        raise ValueError("operationName must be a string")
    return body["query"], variables, operation_name


def handle_graphql(schema: strawberry.Schema, request: Request, lambda_context: Any) -> Response:
    request_id = (request.context or {}).get("requestId") or getattr(lambda_context, "aws_request_id", None) \
        or str(uuid.uuid4())
    begin_request(request_id)
    config = settings()
    try:
        query, variables, operation_name = _operation(request)
    except ValueError as error:
        return _refusal(400, "BAD_REQUEST", str(error), request_id)
    caller = authenticate(config, request.headers.get("authorization"))
    principal = caller.principal
    context = RequestContext(settings=config, principal=principal, request_id=request_id, user=caller.user,
                             token_refusal=caller.token_refusal)
    try:
        result = asyncio.run(
            schema.execute(query, variable_values=variables, context_value=context, operation_name=operation_name)
        )
    finally:
        flush_metrics()
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [error.formatted for error in result.errors]
    if result.extensions:
        body["extensions"] = result.extensions
    logger.info("graphql request", extra={"operation": operation_name, "errors": len(result.errors or ()),
                                          "user_role": principal.role.value if principal else None,
                                          "token_refused": caller.token_refusal is not None})
    return _json(200, body, request_id)
