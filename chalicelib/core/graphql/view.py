"""/graphql: parse the request (POST, or GET for persisted reads: persisted.py), run the
schema asynchronously, answer JSON.

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
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError

from chalicelib.core.authentication import authenticate
from chalicelib.core.graphql.context import RequestContext
from chalicelib.core.graphql.persisted import OperationRefused, operation_of
from chalicelib.core.observability import begin_request, flush_metrics, logger
from chalicelib.core.settings import settings


def _json(status: int, body: dict[str, Any], request_id: str) -> Response:
    text = json.dumps(body, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # Text that is not Unicode (a lone surrogate, e.g. echoed from an operationName)
        # cannot be UTF-8; JSON's \u escapes can carry it, and the answer still goes out.
        text = json.dumps(body)
    return Response(text, status_code=status,
                    headers={"Content-Type": "application/json", "X-Request-Id": request_id})


def _refusal(status: int, code: str, message: str, request_id: str) -> Response:
    return _json(status, {"errors": [{"message": message, "extensions": {"code": code, "requestId": request_id}}]},
                 request_id)


def handle_graphql(schema: strawberry.Schema, request: Request, lambda_context: Any) -> Response:
    request_id = (request.context or {}).get("requestId") or getattr(lambda_context, "aws_request_id", None) \
        or str(uuid.uuid4())
    begin_request(request_id)
    config = settings()
    try:
        query, variables, operation_name = operation_of(request, config)  # text, APQ hash or GET
    except OperationRefused as refused:
        response = _refusal(refused.status, refused.code, refused.message, request_id)
        response.headers.update(refused.headers)
        return response
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
    except CannotGetOperationTypeError as error:  # no single operation to run (operation_selection.py)
        return _refusal(400, "BAD_REQUEST", error.as_http_error_reason(), request_id)
    except InvalidOperationTypeError:
        return _refusal(400, "BAD_REQUEST", "only queries and mutations are served here", request_id)
    except MissingQueryError:
        return _refusal(400, "BAD_REQUEST", 'send {"query": "...", "variables": {...}}', request_id)
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
