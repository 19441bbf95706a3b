"""Words for a code generator: enum values and paging arguments with descriptions."""
from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Annotated, Any

import strawberry

from chalicelib.core.graphql.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

First = Annotated[int | None, strawberry.argument(
    description=f"Page size: 1 to {MAX_PAGE_SIZE}, {DEFAULT_PAGE_SIZE} if omitted.")]
After = Annotated[str | None, strawberry.argument(
    description="The cursor of the last edge already read: the page starts after it. Omit for the first page.")]


def described_enum(domain_enum: type[Enum], name: str, description: str, values: Mapping[Enum, str]) -> Any:
    """The domain enum as a GraphQL enum with a description on every value (a code
    generator's doc comments). Domain enums import no GraphQL, so the descriptions
    are attached here; a value left undescribed fails at import."""
    missing = [member.name for member in domain_enum if member not in values]
    if missing:
        raise TypeError(f"{name}: undescribed values {missing}")
    wrapped = strawberry.enum(domain_enum, name=name, description=description)
    texts = {member.name: text for member, text in values.items()}
    for value in wrapped.__strawberry_definition__.values:
        value.description = texts[value.name]
    return wrapped
