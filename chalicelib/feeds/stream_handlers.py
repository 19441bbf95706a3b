"""Feeds' reactions to table changes.

- a post that turns visible is pushed into its author's followers' feeds (or
  withdrawn when it stops being visible), its discover key follows its engagement
  counts (set here, not on the likes' hot path), and its first publication earns
  its author points; a follow, unfollow or an author crossing the big-author
  threshold updates the readers' feeds (fanout.py; every write is idempotent).
"""
from __future__ import annotations

from chalicelib.core.stream import Change, on_change


@on_change("Post")
def post_changed(change: Change) -> None:
    from chalicelib.feeds import fanout, posts

    fanout.handle_post_record(change.new.raw(), change.old.raw())
    posts.on_post_changed(change.new.raw(), change.old.raw())


@on_change("Profile")
def profile_changed(change: Change) -> None:
    from chalicelib.feeds import fanout

    fanout.handle_profile_record(change.new.raw(), change.old.raw())


@on_change("Follow")
def follow_changed(change: Change) -> None:
    from chalicelib.feeds import fanout

    fanout.handle_follow_record(change.new.raw(), change.old.raw())
