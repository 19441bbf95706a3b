"""Content feeds in the single table: the four feed reads, and the writes of the
following feed's fan-out (entries pushed into readers' feeds, big authors to pull).

Reads, each a page of ``PostView`` newest first with ``has_more`` and an opaque
``position`` to continue after (the API signs it into a cursor):

- **author** (a profile): ONE Query on GSI1 ``author_posts(author)``; the post items
  are the page. 1 request.
- **product**: ONE Query on GSI1 ``product_posts(product)`` (the link items), then
  ONE BatchGetItem of the posts. 2 requests.
- **discover**: ONE Query on GSI2 ``DISCOVER``, sorted by ``discover_sort_key#<post id>``
  descending; the post items are the page. 1 request.
- **following**: ONE Query on ``FEED#<reader>`` (entries pushed at publication, and
  on the first page the ``PULLS`` item, which sorts after every ``ENTRY#`` and so
  comes first in a descending Query), ONE Query per pulled source on GSI1
  ``author_posts`` (the reader's own posts, and each big author they follow), merged
  newest first and deduplicated (``feeds.rules.merge_newest_first``), then ONE
  BatchGetItem for the inbox entries on the page (posts that came from an
  ``author_posts`` Query are already read). A reader following no big author: 3
  requests a page, whatever its size.

The author and product feeds also page backwards (Relay ``last``/``before``): the
same Query read the other way (core.table.paging ``query_page``), same request
counts. Discover and following do not (a score that rises moves a post between
pages; a merge of sources has no single range to read backwards).

Every page holds at most 100 posts, so its BatchGetItem is one request; an index
Query returns up to 1 MB, which is about 100 typical posts.

Visibility: index-backed feeds hold only published posts (visibility is an index
property, see feed_models), so they are dropped only in the instant an index lags
a moderator's decision. A following-feed entry is a copy that outlives its post
until the stream consumer deletes it: the page skips posts that are not PUBLISHED
and reads a few more candidates than it shows (``OVERFETCH``) so the page stays
full.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from chalicelib.accounts.published import users as accounts_keys
from chalicelib.core.concurrency import run_all
from chalicelib.core.errors import InvalidCursor
from chalicelib.core.ids import is_id
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.paging import Page, PageRequest, query_page
from chalicelib.feeds import keys
from chalicelib.feeds.models import FeedEntryItem, FeedPullsItem, FollowItem, PostItem, PostLinkItem, ProfileItem
from chalicelib.feeds.post_items import PostView, to_post_view
from chalicelib.feeds.posts_store import posts_by_id
from chalicelib.feeds.ranking import (
    FeedRef,
    cursor_position,
    merge_newest_first,
    parse_cursor_position,
    source_fetch_size,
)
from chalicelib.feeds.rules import is_visible

MAX_PAGE = 100  # posts on a page: one BatchGetItem
OVERFETCH = 5  # following feed: candidates read beyond the page, for entries of removed posts
FOLLOWERS_PAGE = 1_000  # followers read per Query while fanning out (≈150 kB)

_INBOX, _SELF = "feed", "self"  # source tokens of a following position; other tokens are author ids
_DISCOVER_POSITION = re.compile(r"^(\d{16})#(.+)$")


@dataclass(frozen=True, slots=True)
class FeedPage:
    posts: list[PostView]
    has_more: bool
    position: str | None  # where the next page starts; None at the end
    # Where the feed resumes after each post (posts[i]): a Relay edge's own cursor,
    # so a client may page on after any edge, not only the last.
    positions: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- reads
def author_page(author_id: str, limit: int, after: str | None = None) -> FeedPage:
    """An author's published posts newest first: ONE Query on GSI1."""
    before = cursor_position(parse_cursor_position(after)) if after else None
    items = _author_posts(author_id, before, limit + 1)
    refs = [(item.GSI1SK, item.post_id) for item in items]
    views = {item.post_id: to_post_view(item) for item in items}
    return _page(refs, views, limit)


def product_page(product_id: str, limit: int, after: str | None = None) -> FeedPage:
    """Published posts linking a product, newest first: ONE Query on GSI1 (link
    items), ONE BatchGetItem of the posts."""
    before = cursor_position(parse_cursor_position(after)) if after else None
    condition = TableItem.GSI1SK < before if before else None
    links = [item for item in TableItem.gsi1.query(keys.product_posts(product_id), condition,
                                                    scan_index_forward=False, limit=limit + 1,
                                                    page_size=limit + 1)
             if isinstance(item, PostLinkItem)]
    refs = [(link.GSI1SK, link.post_id) for link in links]
    views = posts_by_id([post_id for _, post_id in refs[:limit]]) if refs else {}
    return _page(refs, views, limit)


def author_page_backward(author_id: str, request: PageRequest) -> Page[PostView]:
    """The author's posts just newer than ``request.before`` (none: the oldest), newest
    first: ONE Query on GSI1, read oldest first."""
    page = query_page(TableItem.gsi1, keys.author_posts(author_id), _normalized(request), kinds=PostItem)
    return page.map(to_post_view).keep(lambda view: is_visible(view.post.state))


def product_page_backward(product_id: str, request: PageRequest) -> Page[PostView]:
    """Posts linking a product just newer than ``request.before`` (none: the oldest),
    newest first: ONE Query on GSI1 (link items), ONE BatchGetItem of the posts."""
    links = query_page(TableItem.gsi1, keys.product_posts(product_id), _normalized(request), kinds=PostLinkItem)
    views = posts_by_id([link.post_id for link in links.items]) if links.items else {}
    shown = links.map(lambda link: views.get(link.post_id))
    return shown.keep(lambda view: view is not None and is_visible(view.post.state))


def _normalized(request: PageRequest) -> PageRequest:
    """A feed position checked (InvalidCursor naming ``before``) and as the index sorts it."""
    return request.positions_as(lambda position: cursor_position(parse_cursor_position(
        position, "before" if request.backward else "after")))


def discover_page(limit: int, after: str | None = None) -> FeedPage:
    """Published posts by discover score (feeds.rules.discover_sort_key), highest
    first: ONE Query on GSI2. A post whose score rises past a reader's cursor while
    they page is missed on that pass; none is met twice (a score only rises)."""
    if after is not None:
        match = _DISCOVER_POSITION.match(after) if isinstance(after, str) else None
        if match is None or not is_id(match.group(2)):
            raise InvalidCursor("this cursor is not valid", "after")
    condition = TableItem.GSI2SK < after if after else None
    items = [item for item in TableItem.gsi2.query(keys.DISCOVER, condition, scan_index_forward=False,
                                                    limit=limit + 1, page_size=limit + 1)
             if isinstance(item, PostItem)]
    refs = [(item.GSI2SK, item.post_id) for item in items]
    views = {item.post_id: to_post_view(item) for item in items}
    return _page(refs, views, limit)


def following_page(reader_id: str, limit: int, after: str | None = None) -> FeedPage:
    """The posts of the authors a reader follows, and the reader's own, newest first.

    Sources: the inbox (entries pushed by the fan-out), the reader's own posts, and
    the posts of the big authors in their ``PULLS`` item. On the first page the
    inbox Query also returns ``PULLS``. The position carries, besides the last post
    shown, the sources that may still have older posts (the pulled authors
    included), so a later page needs no read of ``PULLS`` and skips exhausted
    sources: a reader who never posted costs one Query less from the second page on.
    """
    candidates = min(limit + OVERFETCH, MAX_PAGE)
    fetch = source_fetch_size(candidates)  # one more than merged: has_more is exact
    if after is None:
        cursor, inbox_live, self_live = None, True, True
        # Descending, so PULLS (sorts after every ENTRY#) comes first if it exists.
        found = list(TableItem.query(keys.feed_pk(reader_id), scan_index_forward=False,
                                     limit=fetch + 1, page_size=fetch + 1))
        pulls = next((item for item in found if isinstance(item, FeedPullsItem)), None)
        pulled = sorted(set(pulls.authors or ()) - {reader_id}) if pulls is not None else []
        entries = [item for item in found if isinstance(item, FeedEntryItem)][:fetch]
    else:
        cursor, inbox_live, self_live, pulled = _parse_following(after)
        pulled = [a for a in pulled if a != reader_id]
        entries = []
        if inbox_live:
            entries = [item for item in TableItem.query(
                keys.feed_pk(reader_id), TableItem.SK < keys.feed_entry_sk(cursor_position(cursor)),
                scan_index_forward=False, limit=fetch, page_size=fetch) if isinstance(item, FeedEntryItem)]
    inbox = [ref for ref in (_entry_ref(entry) for entry in entries) if ref is not None]

    authors = ([reader_id] if self_live else []) + pulled
    before = cursor_position(cursor) if cursor else None
    pulled_items = run_all([lambda a=a: _author_posts(a, before, fetch) for a in authors])
    by_author: dict[str, list[FeedRef]] = {}
    exhausted = {_INBOX: len(entries) < fetch}
    read: dict[str, PostItem] = {}
    for author, items in zip(authors, pulled_items, strict=True):
        by_author[author] = [ref for ref in (_post_ref(item) for item in items) if ref is not None]
        exhausted[author] = len(items) < fetch
        read.update((item.post_id, item) for item in items)

    merged, more = merge_newest_first(inbox, list(by_author.values()), candidates, cursor)
    missing = [ref.post_id for ref in merged if ref.post_id not in read]
    views: dict[str, PostView] = posts_by_id(missing) if missing else {}
    views.update((ref.post_id, to_post_view(read[ref.post_id])) for ref in merged if ref.post_id in read)

    posts, kept, consumed, has_more = _assemble([ref.post_id for ref in merged], views, limit, more)

    def position_after(ref: FeedRef) -> str:
        """The composite position after ``ref``: the sources that may hold older posts."""
        def live(source: str, refs: list[FeedRef]) -> bool:
            return not exhausted[source] or any(other < ref for other in refs)

        return _following_position(
            ref, inbox_live and live(_INBOX, inbox), self_live and live(reader_id, by_author[reader_id]),
            [a for a in pulled if live(a, by_author[a])])

    positions = [position_after(merged[index]) for index in kept]
    return FeedPage(posts, has_more, position_after(merged[consumed - 1]) if has_more else None, positions)


def _author_posts(author_id: str, before: str | None, fetch: int) -> list[PostItem]:
    condition = TableItem.GSI1SK < before if before else None
    return [item for item in TableItem.gsi1.query(keys.author_posts(author_id), condition, scan_index_forward=False,
                                                  limit=fetch, page_size=fetch)
            if isinstance(item, PostItem)]


def _entry_ref(entry: FeedEntryItem) -> FeedRef | None:
    try:
        return parse_cursor_position(entry.SK[len(keys.FEED_ENTRY_PREFIX):])
    except InvalidCursor:
        return None  # not an entry this code wrote: never shown


def _post_ref(item: PostItem) -> FeedRef | None:
    try:
        return parse_cursor_position(item.GSI1SK or "")
    except InvalidCursor:
        return None


def _assemble(post_ids: Sequence[str], views: Mapping[str, PostView], limit: int,
              more_beyond: bool) -> tuple[list[PostView], list[int], int, bool]:
    """Walk the candidates newest first, keeping visible posts until the page is
    full: (posts, the candidate index of each, candidates consumed, has_more). The
    next page starts after the last consumed candidate, so skipped ones are not
    read again."""
    posts: list[PostView] = []
    kept: list[int] = []
    consumed = 0
    for index, post_id in enumerate(post_ids):
        if len(posts) == limit:
            break
        consumed += 1
        view = views.get(post_id)
        if view is not None and is_visible(view.post.state):
            posts.append(view)
            kept.append(index)
    rest_visible = any((v := views.get(p)) is not None and is_visible(v.post.state) for p in post_ids[consumed:])
    return posts, kept, consumed, rest_visible or more_beyond


def _page(refs: Sequence[tuple[str, str]], views: Mapping[str, PostView], limit: int) -> FeedPage:
    """A page of an index-backed feed from ``limit + 1`` (position, post id) pairs."""
    shown = refs[:limit]
    posts, kept, consumed, has_more = _assemble([post_id for _, post_id in shown], views, limit, len(refs) > limit)
    return FeedPage(posts, has_more, shown[consumed - 1][0] if has_more and consumed else None,
                    [shown[index][0] for index in kept])


def _following_position(last: FeedRef, inbox: bool, own: bool, authors: Iterable[str]) -> str:
    tokens = ([_INBOX] if inbox else []) + ([_SELF] if own else []) + sorted(authors)
    return f"{cursor_position(last)}|{','.join(tokens)}"


def _parse_following(position: str) -> tuple[FeedRef, bool, bool, list[str]]:
    head, sep, tail = position.partition("|") if isinstance(position, str) else ("", "", "")
    if not sep:
        raise InvalidCursor("this cursor is not valid", "after")
    ref = parse_cursor_position(head)
    tokens = tail.split(",") if tail else []
    authors = [t for t in tokens if t not in (_INBOX, _SELF)]
    if len(set(tokens)) != len(tokens) or not all(is_id(a) for a in authors):
        raise InvalidCursor("this cursor is not valid", "after")
    return ref, _INBOX in tokens, _SELF in tokens, authors


# ---------------------------------------------------------------- fan-out writes
def author_standing(author_id: str) -> tuple[int, bool]:
    """The author's followers as their profile counts them (0 without a profile), and
    the sticky big-author flag (``big_author``, once the profile model keeps it;
    False until then): ONE GetItem."""
    from pynamodb.exceptions import DoesNotExist

    try:
        profile = ProfileItem.get(accounts_keys.user_pk(author_id), keys.PROFILE_SK, consistent_read=True)
    except DoesNotExist:
        return 0, False
    return int(profile.followers or 0), bool(profile.big_author)


def follower_pages(author_id: str, page_size: int = FOLLOWERS_PAGE) -> Iterator[list[str]]:
    """The author's follower ids, a Query page at a time (GSI1 ``author_followers``)."""
    start: dict | None = None
    while True:
        result = TableItem.gsi1.query(keys.author_followers(author_id), limit=page_size, page_size=page_size,
                                      last_evaluated_key=start)
        page = [item.follower_id for item in result if isinstance(item, FollowItem)]
        start = result.last_evaluated_key
        if page:
            yield page
        if not start:
            return


def feed_entry(reader_id: str, position: str, post_id: str, author_id: str, ttl: int) -> FeedEntryItem:
    return FeedEntryItem(keys.feed_pk(reader_id), keys.feed_entry_sk(position), post_id=post_id,
                         author_id=author_id, ttl=ttl)


def entry_key(reader_id: str, position: str) -> tuple[str, str]:
    return keys.feed_pk(reader_id), keys.feed_entry_sk(position)


def add_pull(reader_id: str, author_id: str) -> None:
    """Add a big author to a reader's ``PULLS`` (idempotent: a set ADD)."""
    FeedPullsItem(keys.feed_pk(reader_id), keys.FEED_PULLS_SK).update(
        actions=[FeedPullsItem.authors.add({author_id}), FeedPullsItem.type.set(FeedPullsItem)])


def inbox_entries_of_author(reader_id: str, author_id: str) -> list[tuple[str, str]]:
    """Keys of the entries a reader's feed holds from one author (the whole inbox is
    read, filtered: entries live 90 days, so it is bounded)."""
    found = TableItem.query(keys.feed_pk(reader_id), TableItem.SK.startswith(keys.FEED_ENTRY_PREFIX),
                            filter_condition=FeedEntryItem.author_id == author_id)
    return [(item.PK, item.SK) for item in found if isinstance(item, FeedEntryItem)]
