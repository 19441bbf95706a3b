"""A post's author, for features that credit posts (attribution): None if there is no such post."""
from __future__ import annotations

from chalicelib.feeds.posts_store import get_post


def post_author(post_id: str) -> str | None:
    """One GetItem."""
    view = get_post(post_id)
    return None if view is None else view.post.author_id
