"""What one GraphQL request carries: the settings, the verified caller and its DataLoaders.

The caller is resolved once per request, before execution (core/authentication.py): the
principal with its stored role, the stored user (``me`` answers from it without a second
read) and, for a refused token, why it was refused.

Loaders live and die with the request, so a batch never mixes callers and a
cache never serves one caller's view to another. Features register a factory
per loader name (``@loader("deal")``) in their own ``graphql/loaders.py``; a
request creates each loader the first time a resolver asks for it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.types import Info

from chalicelib.core.errors import Unauthenticated
from chalicelib.core.principal import Principal, User
from chalicelib.core.settings import Settings

LoaderFactory = Callable[["Loaders"], DataLoader[Any, Any]]

_factories: dict[str, LoaderFactory] = {}


def loader(name: str) -> Callable[[LoaderFactory], LoaderFactory]:
    """Register the factory of the request-scoped loader ``context.loaders.<name>``."""

    def register(factory: LoaderFactory) -> LoaderFactory:
        if name in _factories and _factories[name] is not factory:
            raise RuntimeError(f"two loaders named {name}")
        _factories[name] = factory
        return factory

    return register


class Loaders:
    """The request's loaders, made on first use from the registered factories."""

    def __getattr__(self, name: str) -> DataLoader[Any, Any]:
        factory = _factories.get(name)
        if factory is None:
            raise AttributeError(f"no loader named {name!r} is registered")
        made = factory(self)
        setattr(self, name, made)  # later lookups find the attribute and skip __getattr__
        return made


@dataclass
class RequestContext:
    settings: Settings
    principal: Principal | None
    request_id: str
    loaders: Loaders = field(default_factory=Loaders)
    user: User | None = None  # the stored user behind ``principal``
    token_refusal: Unauthenticated | None = None  # a token was sent and refused: the request is anonymous


Ctx = Info[RequestContext, None]
