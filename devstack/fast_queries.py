"""Two costs moto's DynamoDB pays per request, cut without changing an answer
(patches moto 5.2.5, pinned).

- Condition and filter expressions are lexed afresh on every request (a Query's
  filter twice), one token at a time (six regexes looked up per token, the rest of the
  string copied after each): a third of moto's time in a stock state machine run,
  for the same few dozen expression strings over and over. The tokens are a pure
  function of the string (names and values are substituted by the later steps),
  so each string is lexed once; an expression that does not lex is still refused
  on every request (exceptions are not remembered).
- A Query on the table itself (no index) sorted the whole table, then kept the
  items of one partition: each query cost in proportion to the table. The
  partition's items are the ones moto keeps under its hash key, and moto sorts
  what it keeps by range key, so reading only that partition gives the same items
  in the same order.

tests/devstack/test_fast_queries.py runs every query and condition both ways.
"""
from __future__ import annotations

import functools
from collections import deque
from typing import Any

from moto.dynamodb.comparisons import ConditionExpressionParser
from moto.dynamodb.models.table import Table

_original_lex = ConditionExpressionParser._lex_condition_expression
_original_query = Table.query
LEXED_EXPRESSIONS = 4096  # distinct expression strings remembered; the suite uses a few hundred


@functools.lru_cache(maxsize=LEXED_EXPRESSIONS)
def _tokens(expression: str) -> tuple[ConditionExpressionParser.Node, ...]:
    # Lexing reads nothing but the string. The nodes are shared between requests:
    # the parser builds new nodes from them and never changes one.
    return tuple(_original_lex(ConditionExpressionParser(expression, None, None)))


def _lex_condition_expression(self: ConditionExpressionParser) -> deque:
    return deque(_tokens(self.condition_expression))


class _OnePartition:
    """The table as moto's query sees it, its items narrowed to one partition."""

    def __init__(self, table: Table, hash_key: Any) -> None:
        self._table = table
        self._hash_key = hash_key

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)

    def all_items(self) -> list[Any]:
        partition = self._table.items.get(self._hash_key)  # .get: the items are a defaultdict
        return list(partition.values()) if partition else []


def _query(self: Table, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
    # Positional, index_name is the 7th argument after hash_key (models/__init__.py passes it so).
    index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
    if index_name is None and self.range_key_attr and hash_key is not None:
        return _original_query(_OnePartition(self, hash_key), hash_key, *args, **kwargs)  # type: ignore[arg-type]
    return _original_query(self, hash_key, *args, **kwargs)


def install() -> None:
    """Idempotent; lasts for the process."""
    ConditionExpressionParser._lex_condition_expression = _lex_condition_expression  # type: ignore[method-assign]
    Table.query = _query  # type: ignore[method-assign]

