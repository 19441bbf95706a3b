"""CPU of one GraphQL request in process: the 20-product category page
(graphql/operations/catalog.graphql CategoryPage) against the local emulator,
with the schema as assembled now (limiter rules made once, parse and validation
cached) and as before (limiter extensions made anew for every request, nothing
cached). Prints figures, asserts nothing.

    .venv/bin/python bench/graphql_request.py [--requests 300]
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CATEGORY_PAGE = (ROOT / "graphql" / "operations" / "catalog.graphql").read_text(encoding="utf-8")


def schema_as_before(config):
    """The assembly before this benchmark was written: factories building each limiter per request."""
    from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter

    from chalicelib.core.graphql.schema import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS, ErrorPolicy, Schema
    from chalicelib.schema import NODE_TYPES, Mutation, Query

    extensions = [lambda: QueryDepthLimiter(max_depth=MAX_DEPTH), lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
                  lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES), lambda: ErrorPolicy(mask=False)]
    return Schema(query=Query, mutation=Mutation, types=NODE_TYPES, extensions=extensions)


def cpu_ms_per_request(schema, config, category: str, requests: int) -> float:
    from chalicelib.core.graphql.context import RequestContext

    def once() -> None:
        context = RequestContext(settings=config, principal=None, request_id="bench")
        result = asyncio.run(schema.execute(CATEGORY_PAGE, variable_values={"categoryId": category},
                                            context_value=context, operation_name="CategoryPage"))
        assert not result.errors and len(result.data["products"]["edges"]) == 20, result.errors

    for _ in range(20):  # warm: imports, loaders, caches
        once()
    started = time.process_time()
    for _ in range(requests):
        once()
    return 1000 * (time.process_time() - started) / requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    # The test suite's setup, imported first: an emulator in this process and the local
    # environment, set before any model module reads its table name.
    from tests.conftest import GraphQLClient, demo_token, fresh_table  # isort: skip
    from chalice.test import Client

    import app as app_module
    from chalicelib.core.settings import settings
    from chalicelib.schema import build_schema
    from tests.factories import seed_category_with_products

    fresh_table()
    with Client(app_module.app, stage_name="local") as client:
        gql = GraphQLClient(client)
        operator, merchant = demo_token(gql, "olga", "OPERATOR"), demo_token(gql, "mei", "MERCHANT")
        category, _ = seed_category_with_products(gql, operator, merchant, count=20)
    config = settings()
    print(f"CPU per CategoryPage request, 20 products ({args.requests} requests each):")
    for name, schema in (("before: limiters per request, no caches", schema_as_before(config)),
                         ("now: rules once, parse + validation cached", build_schema(config))):
        print(f"  {name:44s} {cpu_ms_per_request(schema, config, category, args.requests):6.2f} ms")


if __name__ == "__main__":
    main()
