"""Keys of the kernel's own items (idempotency records, persisted GraphQL queries). Each feature keeps its keys in its
``keys.py``; docs/data-model.md lists every access pattern."""
from __future__ import annotations

IDEMPOTENCY_SK = "IDEMPOTENCY"


def idempotency_pk(scope: str, key: str) -> str:
    return f"IDEMPOTENCY#{scope}#{key}"


PERSISTED_QUERY_SK = "QUERY"


def persisted_query_pk(sha256_hex: str) -> str:
    return f"PERSISTED_QUERY#{sha256_hex}"
