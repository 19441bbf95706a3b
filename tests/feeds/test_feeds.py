"""Feed reads against the emulator: the following feed's merge of pushed entries and
pulled authors, paging, visibility in every feed, and the exact DynamoDB requests
of a page (the same for 20 posts as for 100)."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from chalicelib.core.errors import InvalidCursor, InvalidId, PageSizeExceeded, Unauthenticated
from chalicelib.core.ids import new_id
from chalicelib.core.principal import Principal, Role
from chalicelib.core.table import batch
from chalicelib.core.table.models import TableItem
from chalicelib.feeds import feed_store as store
from chalicelib.feeds import reading as feeds
from chalicelib.feeds import social
from chalicelib.feeds.ranking import feed_time
from tests.feeds import feed_support as fs
from tests.feeds.feed_support import at, ids_of, read_all


def reader(user_id: str) -> Principal:
    return Principal(user_id, Role.CUSTOMER)


def newest_first(posts: dict[str, object]) -> list[str]:
    """Post ids by (published_at, id) descending; ``posts`` maps id → published datetime."""
    return [pid for pid, _ in sorted(posts.items(), key=lambda kv: (feed_time(kv[1]), kv[0]), reverse=True)]


@pytest.fixture
def threshold(monkeypatch):
    monkeypatch.setenv(social.BIG_AUTHOR_ENV, "5")
    return 5


# ---------------------------------------------------------------- following: push + pull
def test_following_feed_merges_pushed_pulled_and_own_posts_newest_first(emulator, threshold):
    me, small_a, small_b, big, turned_big, stranger = fs.user_ids(6)
    for author in (small_a, small_b, big, turned_big):
        fs.follow(me, author)
    fs.set_followers(small_a, 1)
    fs.set_followers(small_b, 1)
    fs.set_followers(big, 10)
    fs.set_followers(turned_big, 1)
    fs.set_pulls(me, big)  # what the social store writes on following a big author
    expected: dict[str, object] = {}
    minute = 0
    for author, count in ((small_a, 5), (small_b, 4), (big, 6), (me, 3), (turned_big, 2)):
        for _ in range(count):
            minute += 7
            expected[fs.post(author, at(minute % 53))] = at(minute % 53)
    tie = at(30)  # two posts at the same second: ordered by id
    expected[fs.post(small_a, tie)] = tie
    expected[fs.post(big, tie)] = tie
    fs.post(stranger, at(1))  # not followed
    fs.post(small_a, None, state="PENDING_REVIEW")  # not published
    poller = fs.feed_poller(emulator)
    poller.drain()
    # turned_big's two posts were pushed; now it is big and pulled too: each still once.
    fs.set_followers(turned_big, 9)
    poller.drain()
    assert turned_big in fs.pulls(me)
    later = at(60)
    expected[fs.post(turned_big, later)] = later  # pulled only
    poller.drain()
    assert all(p != list(expected)[-1] for _, p in fs.inbox(me))

    want = newest_first(expected)
    assert len(want) == 23
    for first in (1, 2, 3, 4, 7, 22, 23, 100):
        got = read_all(lambda n, after: feeds.following_feed(reader(me), n, after), first)
        assert got == want, first


def test_a_reader_who_follows_nobody_sees_their_own_posts(emulator):
    me = new_id()
    mine = [fs.post(me, at(i)) for i in range(3)]
    page = feeds.following_feed(reader(me), 2)
    assert ids_of(page) == mine[::-1][:2] and page.has_more
    rest = feeds.following_feed(reader(me), 2, page.position)
    assert ids_of(rest) == [mine[0]] and not rest.has_more and rest.position is None
    assert feeds.following_feed(reader(new_id()), 20) == store.FeedPage([], False, None)


def test_the_page_stays_full_when_entries_of_removed_posts_linger(emulator):
    """Entries of posts no longer visible are skipped until the stream deletes them;
    the page reads a few more candidates and is still full."""
    me, author = fs.user_ids(2)
    posts = [fs.post(author, at(i)) for i in range(10)]
    for i, post_id in enumerate(posts):
        fs.push(me, post_id, author, at(i))
    for post_id in posts[5:9]:  # the four newest but one
        fs.set_state(post_id, "REMOVED")
    page = feeds.following_feed(reader(me), 3)
    assert ids_of(page) == [posts[9], posts[4], posts[3]] and page.has_more
    rest = feeds.following_feed(reader(me), 3, page.position)
    assert ids_of(rest) == [posts[2], posts[1], posts[0]] and not rest.has_more


# ---------------------------------------------------------------- visibility in every feed
def test_hidden_and_removed_posts_disappear_from_every_feed(emulator):
    me, author = fs.user_ids(2)
    product = new_id()
    fs.follow(me, author)
    fs.set_followers(author, 1)
    posts = [fs.post(author, at(i), products=(product,), likes=i) for i in range(6)]
    poller = fs.feed_poller(emulator)
    poller.drain()
    assert [p for _, p in fs.inbox(me)] == posts

    hidden, removed, edited, deleted = posts[1], posts[3], posts[4], posts[5]
    fs.set_state(hidden, "HIDDEN")
    fs.set_state(removed, "REMOVED")
    fs.set_state(edited, "PENDING_REVIEW")
    fs.set_state(deleted, "DELETED")
    visible = [posts[2], posts[0]]

    def every_feed() -> dict[str, list[str]]:
        return {
            "following": read_all(lambda n, a: feeds.following_feed(reader(me), n, a), 2),
            "author": read_all(lambda n, a: feeds.author_feed(author, n, a), 2),
            "product": read_all(lambda n, a: feeds.product_feed(product, n, a), 2),
            "discover": sorted(read_all(lambda n, a: feeds.discover_feed(n, a), 2)),
        }

    # Before the stream runs: the entries are still there, the reads skip them.
    assert every_feed() == {"following": visible, "author": visible, "product": visible,
                            "discover": sorted(visible)}
    poller.drain()
    assert [p for _, p in fs.inbox(me)] == [posts[0], posts[2]]
    assert every_feed()["following"] == visible

    fs.set_state(hidden, "PUBLISHED")  # a moderator restores it: same place in every feed
    poller.drain()
    assert [p for _, p in fs.inbox(me)] == [posts[0], hidden, posts[2]]
    assert every_feed() == {"following": [posts[2], hidden, posts[0]], "author": [posts[2], hidden, posts[0]],
                            "product": [posts[2], hidden, posts[0]], "discover": sorted([posts[2], hidden, posts[0]])}


def test_discover_orders_by_engagement_with_time_decay(emulator):
    author = new_id()
    old_hit = fs.post(author, at(0) - timedelta(hours=12), likes=1000)  # 3 decades of likes, 12 h older
    fresh = fs.post(author, at(0), likes=0)
    middling = fs.post(author, at(0) - timedelta(hours=1), likes=10)
    assert ids_of(feeds.discover_feed(10)) == [old_hit, middling, fresh]
    fs.like(fresh, 100_000)
    assert ids_of(feeds.discover_feed(10)) == [fresh, old_hit, middling]
    page = feeds.discover_feed(1)
    assert ids_of(page) == [fresh] and page.has_more
    assert ids_of(feeds.discover_feed(5, page.position)) == [old_hit, middling]


# ---------------------------------------------------------------- exact requests
def _seed(size: int):
    """An author with 2*size+5 posts (each linking a product) pushed to a reader who
    has two posts of their own (newest), and two big authors with a few posts."""
    me, author, big1, big2 = fs.user_ids(4)
    product = new_id()
    for i in range(2 * size + 5):
        post_id = fs.post(author, at(i), products=(product,))
        fs.push(me, post_id, author, at(i))
    own = [fs.post(me, at(10_000 + i)) for i in range(2)]
    for i in range(3):
        fs.post(big1, at(3 * i + 1))
        fs.post(big2, at(3 * i + 2))
    return SimpleNamespace(me=me, author=author, product=product, own=own, bigs=(big1, big2))


@pytest.mark.parametrize("size", [20, 100])
def test_exact_requests_per_page_are_the_same_for_20_and_100(emulator, size):
    s = _seed(size)
    emulator.clear_log()
    first = feeds.following_feed(reader(s.me), size)
    assert emulator.dynamodb_operations() == ["Query", "Query", "BatchGetItem"]  # inbox + PULLS, own posts, posts
    assert len(first.posts) == size and first.has_more
    assert ids_of(first)[:2] == s.own[::-1]
    card = first.posts[-1]
    assert card.author_name and card.products and card.products[0].name  # snapshots: no further reads

    emulator.clear_log()
    second = feeds.following_feed(reader(s.me), size, first.position)
    assert emulator.dynamodb_operations() == ["Query", "BatchGetItem"]  # own posts exhausted: not read again
    assert len(second.posts) == size

    author_first = feeds.author_feed(s.author, size)
    for read, expected in (
        (lambda: feeds.author_feed(s.author, size), ["Query"]),
        (lambda: feeds.author_feed(s.author, size, author_first.position), ["Query"]),
        (lambda: feeds.product_feed(s.product, size), ["Query", "BatchGetItem"]),
        (lambda: feeds.discover_feed(size), ["Query"]),
    ):
        emulator.clear_log()
        page = read()
        assert emulator.dynamodb_operations() == expected
        assert len(page.posts) == size and page.has_more

    fs.set_pulls(s.me, *s.bigs)
    emulator.clear_log()
    page = feeds.following_feed(reader(s.me), size)
    assert sorted(emulator.dynamodb_operations()) == ["BatchGetItem"] + ["Query"] * 4  # + one Query per big author
    assert len(page.posts) == size


def test_a_page_of_only_pulled_posts_needs_no_batch_get(emulator):
    me, big = fs.user_ids(2)
    fs.set_pulls(me, big)
    posts = [fs.post(big, at(i)) for i in range(3)]
    emulator.clear_log()
    page = feeds.following_feed(reader(me), 20)
    assert ids_of(page) == posts[::-1] and not page.has_more
    assert sorted(emulator.dynamodb_operations()) == ["Query", "Query", "Query"]


# ---------------------------------------------------------------- arguments
def test_page_sizes_and_cursors_are_checked(emulator):
    me = reader(new_id())
    for first in (0, 101, True, "20"):
        with pytest.raises(PageSizeExceeded):
            feeds.following_feed(me, first)
        with pytest.raises(PageSizeExceeded):
            feeds.discover_feed(first)
    with pytest.raises(Unauthenticated):
        feeds.following_feed(None)
    with pytest.raises(InvalidId):
        feeds.author_feed("nobody")
    with pytest.raises(InvalidId):
        feeds.product_feed("../x")
    good = f"2025-06-01T08:00:00Z#{new_id()}"
    for bad in ("", "x", good, f"{good}|feed,feed", f"{good}|nobody", f"2025-13-01T08:00:00Z#{new_id()}|feed"):
        with pytest.raises(InvalidCursor):
            feeds.following_feed(me, 5, bad)
    for bad in ("", "x", f"{good}|feed", "2025-06-01T08:00:00Z#bad"):
        with pytest.raises(InvalidCursor):
            feeds.author_feed(new_id(), 5, bad)
        with pytest.raises(InvalidCursor):
            feeds.product_feed(new_id(), 5, bad)
    for bad in ("", good, f"123#{new_id()}", f"{'1' * 16}#nope"):
        with pytest.raises(InvalidCursor):
            feeds.discover_feed(5, bad)
    assert feeds.following_feed(me, 5, f"{good}|feed,self").posts == []
    assert feeds.discover_feed(5, f"{'9' * 16}#{new_id()}").posts == []


# ---------------------------------------------------------------- batch writes
class _FlakyConnection:
    """Leaves the last request of every call unprocessed, ``times`` times."""

    def __init__(self, real, times: int) -> None:
        self.real, self.times, self.calls = real, times, []

    def batch_write_item(self, put_items=None, delete_items=None):
        puts, deletes = list(put_items or []), list(delete_items or [])
        self.calls.append(len(puts) + len(deletes))
        if self.times and puts:
            self.times -= 1
            if puts[:-1] or deletes:
                self.real.batch_write_item(put_items=puts[:-1], delete_items=deletes)
            table = TableItem.Meta.table_name
            return {"UnprocessedItems": {table: [{"PutRequest": {"Item": puts[-1]}}]}}
        return self.real.batch_write_item(put_items=puts, delete_items=deletes)


def test_batch_write_retries_unprocessed_items_with_backoff(emulator, monkeypatch):
    me = new_id()
    real = TableItem._get_connection()
    flaky = _FlakyConnection(real, times=2)
    monkeypatch.setattr(TableItem, "_get_connection", classmethod(lambda cls: flaky))
    waits: list[float] = []
    entries = [store.feed_entry(me, f"2025-06-01T08:00:{i:02d}Z#{new_id()}", new_id(), new_id(), 1)
               for i in range(30)]
    assert batch.batch_write(entries, sleep=waits.append) == 2
    assert flaky.calls == [25, 1, 1, 5] and len(waits) == 2 and 0 < waits[0] < waits[1] <= 1.0
    monkeypatch.undo()
    assert len(fs.inbox(me)) == 30

    monkeypatch.setattr(TableItem, "_get_connection", classmethod(lambda cls: _FlakyConnection(real, 100)))
    with pytest.raises(batch.UnprocessedItemsRemain):
        batch.batch_write(entries[:1], sleep=lambda s: None)
