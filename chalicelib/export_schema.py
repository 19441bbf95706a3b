"""Print the SDL: `make schema` writes it to graphql/schema.graphql; a test keeps it current."""
from __future__ import annotations

from strawberry.printer import print_schema

from chalicelib.core.settings import settings
from chalicelib.schema import build_schema


def sdl() -> str:
    return print_schema(build_schema(settings())) + "\n"


if __name__ == "__main__":
    print(sdl(), end="")
