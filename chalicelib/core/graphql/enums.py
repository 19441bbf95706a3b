"""Enums whose every value says what it means to a client developer."""
from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import TypeVar

import strawberry

E = TypeVar("E", bound=type[Enum])


def described_enum(domain_enum: E, *, name: str, values: Mapping[str | Enum, str], description: str | None = None) -> E:
    """``strawberry.enum`` with a description on each value, keyed by member (or its name).

    A member without a description (or a description without a member) is refused when
    the module is imported, so an enum value added to the domain cannot go out bare."""
    values = {key.name if isinstance(key, Enum) else key: text for key, text in values.items()}
    members = {member.name for member in domain_enum}
    if members != set(values):
        raise ValueError(f"{name}: describe exactly {sorted(members)}, not {sorted(values)}")
    wrapped = strawberry.enum(domain_enum, name=name, description=description)
    for value in wrapped.__strawberry_definition__.values:  # type: ignore[attr-defined]
        value.description = values[value.name]
    return wrapped
