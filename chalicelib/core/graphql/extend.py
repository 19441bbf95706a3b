"""Fields one feature adds to another feature's GraphQL type.

The owner defines the type (``User`` in accounts, ``Product`` in catalog); a feature
that has something to say about it declares a ``@strawberry.type`` mixin of resolver
fields and decorates it with ``@extends(Owner)``. Its resolvers receive the owner's
object as ``self``. The dependency points the right way (the extending feature
knows the owner, never the reverse), and the root schema imports the extending
modules before it builds the schema.
"""
from __future__ import annotations

import copy
from collections.abc import Callable

from strawberry.types.base import get_object_definition


def extends(target: type) -> Callable[[type], type]:
    """Add every field of the decorated ``@strawberry.type`` mixin to ``target``'s type."""

    def add_fields(mixin: type) -> type:
        owner = get_object_definition(target, strict=True)
        fields = get_object_definition(mixin, strict=True).fields
        taken = {field.python_name: field for field in owner.fields}
        for index, field in enumerate(fields):
            existing = taken.get(field.python_name)
            if existing is not None:
                if getattr(existing, "_extended_from", None) is mixin:
                    continue  # the same mixin applied twice (a module imported again): nothing to add
                raise TypeError(f"{mixin.__name__}.{field.python_name}: {target.__name__} has that field already")
            added = copy.copy(field)
            added._extended_from = mixin  # type: ignore[attr-defined]
            added._extension_index = index  # type: ignore[attr-defined]
            owner.fields.append(added)
        # The type's own fields first, then the features' by module: the schema reads the same
        # whichever feature's module happened to be imported first (a test run's order, a Lambda's).
        own = [f for f in owner.fields if not hasattr(f, "_extended_from")]
        added_fields = sorted((f for f in owner.fields if hasattr(f, "_extended_from")),
                              key=lambda f: (f._extended_from.__module__, f._extended_from.__qualname__,
                                             f._extension_index))
        owner.fields[:] = own + added_fields
        return mixin

    return add_fields
