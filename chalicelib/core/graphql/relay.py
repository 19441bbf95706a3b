"""Relay's object identification: the Node interface and `node(id:)`.

Features register how to fetch each of their node types (``@node_resolver("Deal")``)
when their GraphQL module is imported; the root field dispatches on the global id's
type name. A type nobody registered is a typed INVALID_ID, never a server error.
"""
from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from chalicelib.core.errors import InvalidId
from chalicelib.core.graphql.context import Ctx
from chalicelib.core.graphql.ids import parse_global_id

# (info, the id's parts after the type name) -> the node, or None if it does not exist or is not yours to see
NodeResolver = Callable[[Ctx, tuple[str, ...]], "Awaitable[Any] | Any"]

_resolvers: dict[str, tuple[int, NodeResolver]] = {}


@strawberry.interface(description="An object with a globally unique, opaque id.")
class Node:
    id: strawberry.ID


def node_resolver(type_name: str, parts: int = 1) -> Callable[[NodeResolver], NodeResolver]:
    """Register how `node(id:)` fetches a ``type_name`` whose global id has ``parts`` parts."""

    def register(resolve: NodeResolver) -> NodeResolver:
        if type_name in _resolvers and _resolvers[type_name][1] is not resolve:
            raise RuntimeError(f"two node resolvers for {type_name}")
        _resolvers[type_name] = (parts, resolve)
        return resolve

    return register


def registered_node_types() -> list[str]:
    return sorted(_resolvers)


async def resolve_node(info: Ctx, global_id: str) -> Any:
    type_name, parts = parse_global_id(global_id)
    registered = _resolvers.get(type_name)
    if registered is None or registered[0] != len(parts):
        raise InvalidId(f"no object type {type_name!r} is fetched by id", "id")
    found = registered[1](info, parts)
    return await found if inspect.isawaitable(found) else found


@strawberry.type
class NodeQueries:
    @strawberry.field(description="Any object by its global id; null if it does not exist or is not yours to see.")
    async def node(self, info: Ctx, id: strawberry.ID) -> Node | None:
        return await resolve_node(info, id)
