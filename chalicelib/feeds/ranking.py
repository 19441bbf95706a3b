"""Ordering posts: the discover ranking (engagement with time decay, as a sortable key)
and the newest-first merge of pushed and pulled feeds, with their cursor positions.
Pure rules, like rules.py."""
from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

from chalicelib.core.clock import is_iso, iso
from chalicelib.core.errors import InvalidCursor
from chalicelib.core.ids import is_id
from chalicelib.feeds.rules import Engagement, aware

# Discover ranking (see discover_score; the engagement weights are in rules.py).
DISCOVER_DECAY_SECONDS = 45_000  # 12.5 h of recency is worth 10x the engagement
DISCOVER_KEY_SCALE = 10**6  # key resolution: a millionth of a score unit (0.045 s of recency)
DISCOVER_KEY_WIDTH = 16


# ---------------------------------------------------------------- discover ranking
def discover_score(engagement: Engagement, published_at: datetime) -> float:
    """``log10(max(w, 1)) + published_epoch_seconds / 45000`` with
    ``w = likes + 2*comments + 3*shares`` (the Reddit "hot" form).

    Why this and not a Hacker-News form ``(w + 1) / (age_hours + 2) ** 1.5``: that one
    changes for every post every hour, so a stored, indexed score would need all
    posts rewritten continually. Here time decay is relative: a newer post starts
    higher, and 10x the engagement is worth 12.5 hours of recency. The score depends
    only on the counts and the publish time, so it is written once per change of the
    counts (the store does it from the table stream, off the likes' hot path), never
    re-scored as time passes, and it only rises with engagement.
    """
    epoch = aware(published_at).timestamp()
    if epoch < 0:
        raise ValueError("published before 1970")
    return math.log10(max(engagement.weighted, 1)) + epoch / DISCOVER_DECAY_SECONDS


def discover_sort_key(engagement: Engagement, published_at: datetime) -> str:
    """The score as a fixed-width, zero-padded decimal string for a GSI sort key:
    string order is score order (a floor of a monotonic function, so a higher score
    never has a lower key; scores closer than 1/DISCOVER_KEY_SCALE may share a key).
    Append ``#<post id>`` in the store for a unique, cursor-able position."""
    units = math.floor(discover_score(engagement, published_at) * DISCOVER_KEY_SCALE)
    if units >= 10**DISCOVER_KEY_WIDTH:
        raise ValueError("score out of range")
    return f"{units:0{DISCOVER_KEY_WIDTH}d}"


# ---------------------------------------------------------------- feed merge and cursors
class FeedRef(NamedTuple):
    """One entry of a feed. Tuple order is feed order: (published_at, post_id),
    newest is largest. A post has one published_at everywhere (it never changes)."""

    published_at: str  # core.clock.iso
    post_id: str


def feed_time(moment: datetime) -> str:
    return iso(aware(moment))


def feed_ref(published_at: datetime, post_id: str) -> FeedRef:
    return FeedRef(feed_time(published_at), post_id)


def cursor_position(ref: FeedRef) -> str:
    """``<published_at>#<post id>``: also the sort key of feed items in the store, so
    "strictly older than the cursor" is the key condition ``SK < position`` (the
    timestamp is fixed-width, so string order is (published_at, post_id) order)."""
    return f"{ref.published_at}#{ref.post_id}"


def parse_cursor_position(position: str, field: str = "after") -> FeedRef:
    published_at, sep, post_id = position.partition("#") if isinstance(position, str) else ("", "", "")
    if not sep or not is_iso(published_at) or not is_id(post_id):
        raise InvalidCursor("this cursor is not valid", field)
    return FeedRef(published_at, post_id)


def is_older(ref: FeedRef, cursor: FeedRef | None) -> bool:
    return cursor is None or ref < cursor


def source_fetch_size(limit: int) -> int:
    """How many entries to read from each source for a page of ``limit``: one more,
    so that ``has_more`` from the merge is exact."""
    return limit + 1


def merge_newest_first(pushed: Iterable[FeedRef], pulled: Iterable[Iterable[FeedRef]], limit: int,
                       after: FeedRef | None = None) -> tuple[list[FeedRef], bool]:
    """The following feed's page: the caller's inbox (fan-out on write) merged with
    the recent posts of the big authors they follow (fan-out on read).

    Newest first by (published_at, post_id), each post once, only entries strictly
    older than ``after`` (the previous page's last entry). Each source is read newest
    first, strictly older than the cursor, ``source_fetch_size(limit)`` entries: then
    the page equals the top ``limit`` of all sources' full union, and ``has_more`` is
    exact (more than ``limit`` distinct entries seen means there is another; at most
    ``limit`` means every source came back short, so all are exhausted).
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError("a page holds at least one entry")
    newest: dict[str, FeedRef] = {}
    for source in (pushed, *pulled):
        for ref in source:
            if not is_older(ref, after):
                continue
            kept = newest.get(ref.post_id)
            if kept is None or ref > kept:
                newest[ref.post_id] = ref
    top = heapq.nlargest(limit + 1, newest.values())
    return top[:limit], len(top) > limit


def next_cursor(page: Sequence[FeedRef], has_more: bool) -> FeedRef | None:
    """The position to continue after, or None at the end."""
    return page[-1] if has_more and page else None


