"""POST /graphql: Strawberry's Chalice view, executed asynchronously.

The stock view runs ``execute_sync``, which cannot await async resolvers or
DataLoaders. Each request here runs one ``asyncio.run`` (Lambda serves one
request at a time per process, so a fresh loop per request costs nothing and
leaks nothing between requests).
"""
from __future__ import annotations

import asyncio
import json
import uuid
from functools import lru_cache
from typing import Any

from chalice.app import Request, Response
from strawberry.chalice.views import GraphQLView
from strawberry.types.graphql import OperationType

from ..config import settings
from ..domain.errors import Unauthenticated
from ..observability import begin_request, logger
from ..services.tokens import principal_from_header
from .context import RequestContext
from .schema import schema


class AsyncChaliceGraphQLView(GraphQLView):
    def execute_single(self, request, request_adapter, sub_response, context, root_value, request_data):  # type: ignore[override]
        return asyncio.run(
            self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types={OperationType.QUERY, OperationType.MUTATION},
                operation_extensions=request_data.extensions,
            )
        )

    def get_context(self, request: Request, response: Any) -> RequestContext:  # type: ignore[override]
        return request.context["tuanstack"]


@lru_cache(maxsize=1)
def _view() -> AsyncChaliceGraphQLView:
    return AsyncChaliceGraphQLView(schema=schema(), graphql_ide=None, allow_queries_via_get=False)


def _error_response(status: int, code: str, message: str, request_id: str) -> Response:
    body = {"errors": [{"message": message, "extensions": {"code": code, "requestId": request_id}}]}
    return Response(json.dumps(body), status_code=status, headers={"Content-Type": "application/json"})


def handle_graphql(request: Request, lambda_context: Any) -> Response:
    request_id = (request.context or {}).get("requestId") or getattr(lambda_context, "aws_request_id", None) \
        or str(uuid.uuid4())
    begin_request(request_id)
    config = settings()
    try:
        principal = principal_from_header(config, request.headers.get("authorization"))
    except Unauthenticated as error:
        return _error_response(401, error.code.value, error.message, request_id)
    request.context["tuanstack"] = RequestContext(settings=config, principal=principal, request_id=request_id)
    response = _view().execute_request(request)
    response.headers["X-Request-Id"] = request_id
    logger.info("graphql request", extra={"status": response.status_code,
                                          "user_role": principal.role.value if principal else None})
    return response
