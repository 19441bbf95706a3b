"""The operation a request asks for: its text, a persisted query's hash, or GET parameters.

Three things on top of ``{"query": ...}`` bodies:

- Apollo's automatic persisted queries (APQ): ``extensions.persistedQuery =
  {version: 1, sha256Hash}`` without ``query`` runs the query stored under that hash;
  an unknown hash answers the GraphQL error ``PersistedQueryNotFound``
  (``PERSISTED_QUERY_NOT_FOUND``), and the client sends the text with the hash, which
  is checked (``PERSISTED_QUERY_HASH_MISMATCH``) and stored.
- ``GET /graphql?extensions=...&variables=...&operationName=...`` (or ``query=``), so a
  CDN can cache public reads; a mutation over GET is HTTP 405, as GraphQL over HTTP says.
- With ``TUANSTACK_ONLY_REGISTERED_OPERATIONS`` on, only the operations of the build's
  manifest (graphql/operations/*.graphql, ``python -m chalicelib.core.graphql.persisted
  manifest``) run; anything else is ``OPERATION_NOT_REGISTERED``.

Where a hash is looked up, cheapest first: the manifest (in the package), this
container's cache, then one GetItem. Lambda containers are stateless, so the table
keeps what clients registered: a new container reads each hash once, not every client
re-registering it after each cold start. Registering is one conditional PutItem
(content-addressed: an item already there holds the same text).
"""
from __future__ import annotations

import hashlib
import json
import sys
from collections import OrderedDict
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from chalice.app import Request, Response
from graphql import GraphQLSyntaxError, OperationDefinitionNode, OperationType, parse, print_ast
from graphql.language import DocumentNode, FragmentDefinitionNode, FragmentSpreadNode, Visitor, visit

from chalicelib.core.clock import iso, utc_now
from chalicelib.core.settings import Settings
from chalicelib.core.table.conditional import put_if
from chalicelib.core.table.keys import PERSISTED_QUERY_SK, persisted_query_pk
from chalicelib.core.table.models import PersistedQueryItem

MAX_BODY_BYTES = 64 * 1024
APQ_VERSION = 1
# Apollo's PersistedQueryLink retries with the text on exactly this message or code.
NOT_FOUND_MESSAGE = "PersistedQueryNotFound"
CONTAINER_CACHE_SIZE = 1_000  # hashes; each text is at most MAX_BODY_BYTES
PUBLIC_MAX_AGE_SECONDS = 60  # how long a CDN may serve an anonymous GET answer
STORED_FOR = timedelta(days=30)  # a stored query expires; its next use re-registers it

MANIFEST_PATH = Path(__file__).resolve().parents[2] / "persisted-operations.json"
OPERATIONS_DIR = Path(__file__).resolve().parents[3] / "graphql" / "operations"

Operation = tuple[str, dict[str, Any] | None, str | None]


class OperationRefused(Exception):
    """A request the server will not run, with its HTTP status and ``extensions.code``."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------- the request


def operation_of(request: Request, config: Settings) -> Operation:
    """The query, variables and operation name to run; ValueError for malformed input,
    OperationRefused for a well-formed request that is refused."""
    fields = _get_fields(request) if request.method == "GET" else _body_fields(request.raw_body or b"")
    variables, operation_name = fields.get("variables"), fields.get("operationName")
    if variables is not None and not isinstance(variables, dict):
        raise ValueError("variables must be an object")
    if operation_name is not None and not isinstance(operation_name, str):
        raise ValueError("operationName must be a string")
    if request.method == "GET" and isinstance(fields.get("query"), str):
        _refuse_mutation(fields["query"], operation_name)  # before its text is registered
    query = _query(fields, config)
    if request.method == "GET":
        _refuse_mutation(query, operation_name)
    return query, variables, operation_name


def _refuse_mutation(query: str, operation_name: str | None) -> None:
    """GraphQL over HTTP: GET is safe, so a mutation over GET is 405 (a CDN or a prefetch
    must never be able to place an order)."""
    if _operation_type(query, operation_name) is OperationType.MUTATION:
        raise OperationRefused(405, "METHOD_NOT_ALLOWED", "mutations are sent with POST", {"Allow": "POST"})


def is_graphql_get(request: Request) -> bool:
    """A GET carrying an operation (otherwise GET /graphql is the local GraphiQL page)."""
    params = request.query_params or {}
    return "query" in params or "extensions" in params


def with_cache_control(response: Response, request: Request) -> Response:
    """A GET answer a shared cache may keep: anonymous and without errors. Anything else
    (a member's data, an error that a retry may not repeat) is kept by no one."""
    cacheable = response.status_code == 200 and not request.headers.get("authorization") \
        and "errors" not in json.loads(response.body)
    response.headers["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE_SECONDS}" if cacheable \
        else "private, no-store"
    return response


def _body_fields(raw: bytes) -> dict[str, Any]:
    if len(raw) > MAX_BODY_BYTES:
        raise ValueError(f"the request body is over {MAX_BODY_BYTES} bytes")
    try:
        body = json.loads(raw)
    except RecursionError:  # json recurses per level: a thousand nested objects reach Python's limit
        raise ValueError("the request body nests too deeply") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError("the request body is not JSON") from None
    if not isinstance(body, dict):
        raise ValueError('send {"query": "...", "variables": {...}}')
    return body


def _get_fields(request: Request) -> dict[str, Any]:
    """GraphQL over HTTP's GET parameters; variables and extensions are JSON in the URL."""
    params = request.query_params or {}
    fields: dict[str, Any] = {name: params[name] for name in ("query", "operationName") if name in params}
    for name in ("variables", "extensions"):
        if params.get(name):
            try:
                fields[name] = json.loads(params[name])
            except RecursionError:
                raise ValueError(f"{name} nests too deeply") from None
            except json.JSONDecodeError:
                raise ValueError(f"the {name} parameter is not JSON") from None
    return fields


def _query(fields: dict[str, Any], config: Settings) -> str:
    query = fields.get("query")
    if query is not None and (not isinstance(query, str) or not query.strip()):
        raise ValueError('send {"query": "...", "variables": {...}}')
    extensions = fields.get("extensions")
    persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
    if persisted is None:
        if query is None:
            raise ValueError('send {"query": "...", "variables": {...}}')
        if config.only_registered_operations and sha256_hex(query) not in manifest_queries():
            raise _not_registered()
        return query
    if not isinstance(persisted, dict) or persisted.get("version") != APQ_VERSION \
            or not _is_sha256(persisted.get("sha256Hash")):
        raise ValueError(f"extensions.persistedQuery must be {{version: {APQ_VERSION}, sha256Hash: <64 hex digits>}}")
    sha = persisted["sha256Hash"]
    if query is not None:
        if sha256_hex(query) != sha.lower():
            raise OperationRefused(400, "PERSISTED_QUERY_HASH_MISMATCH",
                                   "the sha256 of the query text is not extensions.persistedQuery.sha256Hash")
        if config.only_registered_operations:
            if sha.lower() not in manifest_queries():
                raise _not_registered()
        else:
            register(sha.lower(), query)
        return query
    found = stored_query(sha.lower(), config)
    if found is None:
        if config.only_registered_operations:
            raise _not_registered()
        # 200, as a GraphQL error: what Apollo's link expects before it sends the text.
        raise OperationRefused(200, "PERSISTED_QUERY_NOT_FOUND", NOT_FOUND_MESSAGE)
    return found


def _is_sha256(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdefABCDEF" for c in value)


def _not_registered() -> OperationRefused:
    return OperationRefused(400, "OPERATION_NOT_REGISTERED",
                            "only the operations registered in this build run here (see graphql/operations/)")


def _operation_type(query: str, operation_name: str | None) -> OperationType | None:
    """The type of the operation to run; None when execution will report why there is none."""
    try:
        document = parse(query)
    except GraphQLSyntaxError:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name is not None and o.name.value == operation_name]
    return operations[0].operation if len(operations) == 1 else None


# ---------------------------------------------------------------------------- the store

_container_cache: OrderedDict[str, str] = OrderedDict()


def stored_query(sha: str, config: Settings) -> str | None:
    """The text registered under ``sha``: manifest, this container, then the table (once)."""
    registered = manifest_queries().get(sha)
    if registered is not None or config.only_registered_operations:
        return registered
    if sha in _container_cache:
        return _container_cache[sha]
    try:
        item = PersistedQueryItem.get(persisted_query_pk(sha), PERSISTED_QUERY_SK)
    except PersistedQueryItem.DoesNotExist:
        return None  # not remembered: the client registers it next, which fills the cache
    _remember(sha, item.query)
    return item.query


def register(sha: str, query: str) -> None:
    """Store a checked text under its hash: nothing if this container knows it, else one
    conditional PutItem (refused when it is stored already, which is as good)."""
    if sha in _container_cache or sha in manifest_queries():
        return
    now = utc_now()
    put_if(PersistedQueryItem(persisted_query_pk(sha), PERSISTED_QUERY_SK, query=query, created_at=iso(now),
                              ttl=int((now + STORED_FOR).timestamp())),
           PersistedQueryItem.PK.does_not_exist())
    _remember(sha, query)


def _remember(sha: str, query: str) -> None:
    _container_cache[sha] = query
    if len(_container_cache) > CONTAINER_CACHE_SIZE:
        _container_cache.popitem(last=False)


def forget_container_cache() -> None:
    """What a cold start forgets (tests)."""
    _container_cache.clear()


# ---------------------------------------------------------------------------- the manifest


@lru_cache(maxsize=1)
def manifest_queries() -> dict[str, str]:
    """sha256 -> body of every registered operation, read once per container."""
    manifest = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
    return {operation["id"]: operation["body"] for operation in manifest["operations"]}


def build_manifest(operations_dir: Path = OPERATIONS_DIR) -> dict[str, Any]:
    """Apollo's persisted query manifest format: each operation printed with the
    fragments it uses; its id is the sha256 of that body, as a client hashes it."""
    operations = []
    for path in sorted(operations_dir.glob("*.graphql")):
        document = parse(path.read_text(encoding="utf-8"))
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode):
                body = print_ast(DocumentNode(definitions=[definition, *_fragments_used(definition, fragments)]))
                operations.append({"id": sha256_hex(body), "name": definition.name.value if definition.name else None,
                                   "type": definition.operation.value, "body": body})
    return {"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}


class _Spreads(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def enter_fragment_spread(self, spread: FragmentSpreadNode, *_: Any) -> None:
        self.names.append(spread.name.value)


def _fragments_used(node: Any, fragments: dict[str, FragmentDefinitionNode]) -> list[FragmentDefinitionNode]:
    used: dict[str, FragmentDefinitionNode] = {}
    pending = [node]
    while pending:
        spreads = _Spreads()
        visit(pending.pop(), spreads)
        for name in spreads.names:
            if name not in used and name in fragments:
                used[name] = fragments[name]
                pending.append(fragments[name])
    return sorted(used.values(), key=lambda fragment: fragment.name.value)


def manifest_json() -> str:
    return json.dumps(build_manifest(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    if sys.argv[1:] != ["manifest"]:
        sys.exit("usage: python -m chalicelib.core.graphql.persisted manifest > chalicelib/persisted-operations.json")
    print(manifest_json(), end="")
