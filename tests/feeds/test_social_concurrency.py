"""Concurrent engagement against the serialised emulator, 20 rounds each.

A pass means something because the emulator applies each request atomically
(devstack/emulator.py): the conditions (the like or report put only if absent, the
post published, for reports the open count as read) and the counters' atomic ADD
are what keep the counts exact and the hiding single. Likes are not optimistic: no
like fails another's condition, so none retries. The discover key follows the 50
likes through the app's real table stream consumer."""
from __future__ import annotations

import os
import threading
from collections.abc import Callable

import app as app_module
from chalicelib.core.table.models import TableItem
from chalicelib.feeds import keys, posts_store, social
from chalicelib.feeds.models import LikeItem
from chalicelib.feeds.ranking import discover_sort_key
from chalicelib.feeds.rules import Engagement, ModerationAction, PostNotVisible, PostState, ReportReason
from devstack.streams import StreamPoller
from tests.conftest import fresh_table
from tests.feeds.test_posts import NOW, _no_cached_words, make_user, published, raw_post  # noqa: F401

REPEATS = 20
STREAM_REPEATS = 5  # each also drains 51 stream records: kept within make test's three minutes
THRESHOLD = 3


def _race(actions: list[Callable[[], object]]) -> tuple[list[object], list[BaseException]]:
    results: list[object] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(len(actions))

    def run(action: Callable[[], object]) -> None:
        try:
            start.wait()
            outcome = action()
            with lock:
                results.append(outcome)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            with lock:
                errors.append(error)

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def _likes_stored(post_id: str) -> int:
    return sum(1 for i in TableItem.query(keys.post_pk(post_id), TableItem.SK.startswith(keys.LIKE_PREFIX),
                                          consistent_read=True) if isinstance(i, LikeItem))


def _key(view, likes: int) -> str:
    return f"{discover_sort_key(Engagement(likes, 0, 0), view.post.published_at)}#{view.post.id}"


def test_50_distinct_readers_liking_at_once_count_50_and_the_stream_gives_the_matching_discover_key(emulator):
    for repeat in range(STREAM_REPEATS):
        fresh_table()
        author = make_user("Author")
        readers = [make_user(f"R{i}") for i in range(50)]
        view = published(author)
        emulator.clear_log()
        results, errors = _race([lambda r=r: social.like(r, view.post.id, NOW) for r in readers])
        assert errors == [], (repeat, errors)
        assert all(r.changed for r in results), repeat
        # One transaction per like, none retried (and the post read once after it, for the caller).
        assert emulator.dynamodb_counts() == {"TransactWriteItems": 50, "GetItem": 50}, repeat
        stored = posts_store.get_post(view.post.id, consistent=True)
        assert stored.post.engagement.likes == 50 == _likes_stored(view.post.id), repeat
        assert raw_post(view.post.id).GSI2SK == _key(view, 0), repeat  # the likes did not touch it

        # 51 post records (publish, 50 likes) in order: the stale ones are skipped, the last one's key stays.
        (poller,) = StreamPoller.for_app(app_module.app, emulator.endpoint_url, os.environ["TUANSTACK_TABLE"])
        poller.drain(timeout=60)
        assert raw_post(view.post.id).GSI2SK == _key(view, 50), repeat


def test_one_reader_liking_from_10_threads_counts_once():
    for repeat in range(REPEATS):
        fresh_table()
        author, reader = make_user("Author"), make_user("Reader")
        view = published(author)
        results, errors = _race([lambda: social.like(reader, view.post.id, NOW) for _ in range(10)])
        assert errors == [], (repeat, errors)
        assert sum(1 for r in results if r.changed) == 1, repeat
        assert all(r.liked for r in results), repeat
        assert posts_store.get_post(view.post.id, consistent=True).post.engagement.likes == 1, repeat
        assert _likes_stored(view.post.id) == 1, repeat


def test_reports_past_the_threshold_at_once_hide_the_post_exactly_once():
    for repeat in range(REPEATS):
        fresh_table()
        author = make_user("Author")
        readers = [make_user(f"R{i}") for i in range(THRESHOLD + 5)]
        view = published(author)
        def report(reader):
            try:
                return social.report(reader, view.post.id, ReportReason.SPAM, None, NOW, threshold=THRESHOLD)
            except PostNotVisible:
                return "gone"  # a report arriving after the hiding finds no post: that is its answer

        results, errors = _race([lambda r=r: report(r) for r in readers])
        assert errors == [], (repeat, errors)
        reported = [r for r in results if r != "gone"]
        assert sum(1 for r in reported if r.hidden) == 1, (repeat, results)
        assert len(reported) == THRESHOLD and all(r.counted for r in reported), (repeat, results)
        stored = posts_store.get_post(view.post.id, consistent=True)
        assert stored.post.state is PostState.HIDDEN and stored.post.open_reports == THRESHOLD, repeat
        hides = [d for d in posts_store.decisions(view.post.id) if d.action is ModerationAction.HIDE]
        assert len(hides) == 1 and hides[0].moderator_id == "system", repeat
