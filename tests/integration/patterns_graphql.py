"""Access patterns of the GraphQL kernel (persisted queries), one function per row of
docs/data-model.md; test_access_patterns.py runs them. Helpers start with "_"."""
from __future__ import annotations

from chalicelib.core.graphql import persisted
from chalicelib.core.settings import settings

_QUERY = "{ __typename }"
_SHA = persisted.sha256_hex(_QUERY)


def a_persisted_query_by_hash(emulator, category):
    persisted.forget_container_cache()
    persisted.register(_SHA, _QUERY)
    persisted.forget_container_cache()  # a cold start
    emulator.clear_log()
    assert persisted.stored_query(_SHA, settings()) == _QUERY
    assert persisted.stored_query(_SHA, settings()) == _QUERY  # then from the container
    assert persisted.stored_query(persisted.sha256_hex("{ me { id } }"), settings()) is None
    assert emulator.dynamodb_operations() == ["GetItem", "GetItem"]
    persisted.forget_container_cache()


def register_a_persisted_query(emulator, category):
    persisted.forget_container_cache()
    emulator.clear_log()
    persisted.register(_SHA, _QUERY)
    persisted.forget_container_cache()
    persisted.register(_SHA, _QUERY)  # already stored: the condition refuses, nothing changes
    persisted.register(_SHA, _QUERY)  # this container knows it: no request
    assert emulator.dynamodb_operations() == ["PutItem", "PutItem"]
    persisted.forget_container_cache()
