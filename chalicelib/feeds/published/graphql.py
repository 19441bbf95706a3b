"""The ``Post`` type, for fields other features add to it (``@extends(Post)``)."""
from __future__ import annotations

from chalicelib.feeds.graphql.types import Post

__all__ = ["Post"]
