"""The fan-out on write through the real stream chain (emulator stream → poller →
Powertools batch processor → feed_fanout): every follower once, redelivery and a
crash half way change nothing, big authors are pulled instead, and crossing the
threshold moves an author's followers over to pulling."""
from __future__ import annotations

import pytest

from chalicelib.accounts import keys as accounts_keys
from chalicelib.core.ids import new_id
from chalicelib.core.principal import Principal, Role
from chalicelib.core.table import batch
from chalicelib.core.table.models import TableItem
from chalicelib.feeds import fanout as feed_fanout
from chalicelib.feeds import feed_store as store
from chalicelib.feeds import keys
from chalicelib.feeds import reading as feeds
from chalicelib.feeds.models import FeedEntryItem, PostItem
from chalicelib.feeds.ranking import feed_time
from chalicelib.feeds.rules import DEFAULT_BIG_AUTHOR_FOLLOWERS
from chalicelib.feeds.social import BIG_AUTHOR_ENV
from tests.feeds import feed_support as fs
from tests.feeds.feed_support import at, ids_of, read_all

FOLLOWERS = 300


def following(user_id: str, first: int = 20):
    return feeds.following_feed(Principal(user_id, Role.CUSTOMER), first)


def _plain(post_id: str) -> dict:
    from boto3.dynamodb.types import TypeDeserializer

    raw = PostItem.get(keys.post_pk(post_id), keys.POST_SK, consistent_read=True).serialize()
    return {k: TypeDeserializer().deserialize(v) for k, v in raw.items()}


def all_entries(readers: list[str]) -> list[tuple[str, str]]:
    """(reader, post id) of every entry in these readers' feeds, duplicates kept (one
    Scan of the table: quicker on the emulator than a Query per reader)."""
    wanted = {keys.feed_pk(r): r for r in readers}
    return sorted((wanted[item.PK], item.post_id) for item in TableItem.scan(consistent_read=True)
                  if isinstance(item, FeedEntryItem) and item.PK in wanted)


@pytest.fixture
def author_with_followers(emulator):
    author, readers = new_id(), fs.user_ids(FOLLOWERS)
    fs.follow_many(author, readers)
    fs.set_followers(author, FOLLOWERS)
    return author, readers


def test_a_post_reaches_every_follower_exactly_once(emulator, author_with_followers):
    author, readers = author_with_followers
    bystander = new_id()
    poller = fs.feed_poller(emulator)
    poller.drain()
    post_id = fs.post(author, at(0))
    poller.drain(timeout=60)
    assert all_entries(readers + [bystander]) == sorted((r, post_id) for r in readers)
    assert ids_of(following(readers[0])) == ids_of(following(readers[-1])) == [post_id]
    assert following(bystander).posts == []

    # The cost: one profile read, one Query of followers, one BatchWriteItem per 25.
    emulator.clear_log()
    result = feed_fanout.push_post(post_id, author, feed_time(at(0)))
    assert result == feed_fanout.FanOut(FOLLOWERS, 12, False)
    assert emulator.dynamodb_counts() == {"GetItem": 1, "Query": 1, "BatchWriteItem": 12}


def test_a_redelivered_record_changes_nothing(emulator, author_with_followers):
    author, readers = author_with_followers
    post_id = fs.post(author, at(0))
    fs.feed_poller(emulator).drain(timeout=60)
    before = all_entries(readers)
    new, old = _plain(post_id), {}
    feed_fanout.handle_post_record(new, old)  # the same INSERT again
    feed_fanout.handle_post_record(new, old)
    assert all_entries(readers) == before == sorted((r, post_id) for r in readers)


@pytest.mark.parametrize("crash_after", [1, 5, 11])
def test_a_crash_half_way_then_redelivery_leaves_every_entry_once(emulator, author_with_followers, monkeypatch,
                                                                   crash_after):
    author, readers = author_with_followers
    post_id = fs.post(author, at(0))
    real, chunks = batch.write_chunk, []

    def crashing(requests, **kwargs):
        if len(chunks) == crash_after:
            raise RuntimeError("Lambda timed out")
        chunks.append(len(requests))
        real(requests, **kwargs)

    monkeypatch.setattr(batch, "write_chunk", crashing)
    with pytest.raises(RuntimeError):
        feed_fanout.handle_post_record(_plain(post_id), {})
    assert len(all_entries(readers)) == 25 * crash_after  # written before the crash
    monkeypatch.setattr(batch, "write_chunk", real)
    feed_fanout.handle_post_record(_plain(post_id), {})  # redelivered
    assert all_entries(readers) == sorted((r, post_id) for r in readers)


def test_through_the_stream_a_failed_record_is_redelivered_until_done(emulator, author_with_followers, monkeypatch):
    author, readers = author_with_followers
    poller = fs.feed_poller(emulator)
    poller.drain()
    real, calls = batch.write_chunk, []

    def crash_once(requests, **kwargs):
        calls.append(len(requests))
        if len(calls) == 4:
            raise RuntimeError("throttled for good")
        real(requests, **kwargs)

    monkeypatch.setattr(batch, "write_chunk", crash_once)
    post_id = fs.post(author, at(0))
    poller.drain(timeout=60)
    assert len(calls) == 3 + 1 + 12  # three chunks, the crash, then the whole record again
    assert all_entries(readers) == sorted((r, post_id) for r in readers)


def test_withdrawing_and_restoring_a_post(emulator, author_with_followers):
    author, readers = author_with_followers
    poller = fs.feed_poller(emulator)
    kept, post_id = fs.post(author, at(0)), fs.post(author, at(1))
    poller.drain(timeout=60)
    fs.like(post_id, 3)  # still visible: nothing to do
    emulator.clear_log()
    poller.drain()
    assert "BatchWriteItem" not in emulator.dynamodb_counts()

    fs.set_state(post_id, "HIDDEN")
    poller.drain(timeout=60)
    assert all_entries(readers) == sorted((r, kept) for r in readers)
    fs.set_state(post_id, "PUBLISHED")
    poller.drain(timeout=60)
    assert all_entries(readers) == sorted([(r, kept) for r in readers] + [(r, post_id) for r in readers])
    assert ids_of(following(readers[7])) == [post_id, kept]


def test_unfollowing_takes_the_author_out_of_the_feed(emulator):
    me, author, other = fs.user_ids(3)
    fs.follow(me, author)
    fs.follow(me, other)
    for a in (author, other):
        fs.set_followers(a, 1)
    poller = fs.feed_poller(emulator)
    gone = [fs.post(author, at(i)) for i in range(3)]
    kept = fs.post(other, at(5))
    poller.drain()
    assert len(fs.inbox(me)) == 4
    fs.unfollow(me, author)
    poller.drain()
    assert [p for _, p in fs.inbox(me)] == [kept]
    assert ids_of(following(me)) == [kept]
    assert set(gone).isdisjoint(ids_of(following(me)))


# ---------------------------------------------------------------- big authors
def test_a_big_author_is_pulled_not_pushed(emulator, monkeypatch):
    monkeypatch.setenv(BIG_AUTHOR_ENV, "50")
    big, small = new_id(), new_id()
    readers = fs.user_ids(60)
    fs.follow_many(big, readers)
    fs.follow_many(small, readers[:3])
    fs.set_followers(big, 60)
    fs.set_followers(small, 3)
    poller = fs.feed_poller(emulator)
    poller.drain(timeout=60)  # the profile insert crosses the threshold: everyone pulls
    assert all(fs.pulls(r) == {big} for r in readers)
    big_posts = [fs.post(big, at(2 * i)) for i in range(4)]
    small_posts = [fs.post(small, at(2 * i + 1)) for i in range(4)]
    poller.drain(timeout=60)
    assert all_entries(readers) == sorted((r, p) for r in readers[:3] for p in small_posts)  # nothing of big's
    merged = [p for pair in zip(big_posts, small_posts, strict=False) for p in pair][::-1]
    for first in (1, 3, 20):
        assert read_all(lambda n, a: feeds.following_feed(Principal(readers[0], Role.CUSTOMER), n, a),
                        first) == merged
    assert ids_of(following(readers[59])) == big_posts[::-1]

    fs.set_state(big_posts[1], "REMOVED")  # nothing pushed, nothing to delete; gone from the pull
    emulator.clear_log()
    poller.drain()
    assert "BatchWriteItem" not in emulator.dynamodb_counts()
    assert big_posts[1] not in ids_of(following(readers[0]))


def test_crossing_the_threshold_up_and_down(emulator, monkeypatch):
    monkeypatch.setenv(BIG_AUTHOR_ENV, "5")
    author = new_id()
    readers = fs.user_ids(4)
    fs.follow_many(author, readers)
    fs.set_followers(author, 4)
    poller = fs.feed_poller(emulator)
    pushed = fs.post(author, at(0))
    poller.drain()
    assert all_entries(readers) == sorted((r, pushed) for r in readers)

    newcomer = new_id()
    fs.follow(newcomer, author)
    fs.set_followers(author, 5)  # crosses upwards
    poller.drain()
    everyone = readers + [newcomer]
    assert all(fs.pulls(r) == {author} for r in everyone)
    pulled = fs.post(author, at(1))
    poller.drain()
    assert all_entries(everyone) == sorted((r, pushed) for r in readers)  # not pushed
    assert ids_of(following(readers[0])) == [pulled, pushed]  # pushed once and pulled: shown once
    assert ids_of(following(newcomer)) == [pulled, pushed]  # followed after the push: by pull

    fs.set_followers(author, 6)  # already big: no second pass
    emulator.clear_log()
    poller.drain()
    assert "UpdateItem" not in emulator.dynamodb_counts()

    fs.set_followers(author, 4)  # below again: pushed again, still pulled
    again = fs.post(author, at(2))
    poller.drain()
    assert all(fs.pulls(r) == {author} for r in everyone)
    assert (readers[0], again) in all_entries(readers)
    assert ids_of(following(readers[0])) == [again, pulled, pushed]


def test_the_threshold_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv(BIG_AUTHOR_ENV, raising=False)
    assert feed_fanout.big_author_threshold() == DEFAULT_BIG_AUTHOR_FOLLOWERS
    monkeypatch.setenv(BIG_AUTHOR_ENV, " 1200 ")
    assert feed_fanout.big_author_threshold() == 1200
    for bad in ("0", "-3", "many"):
        monkeypatch.setenv(BIG_AUTHOR_ENV, bad)
        with pytest.raises(ValueError):
            feed_fanout.big_author_threshold()


def test_records_that_are_not_about_visibility_do_nothing(emulator):
    author = new_id()
    fs.set_followers(author, 1)
    emulator.clear_log()
    feed_fanout.handle_post_record({"type": "Post", "state": "PENDING_REVIEW", "post_id": new_id()}, {})
    feed_fanout.handle_post_record({"type": "Post", "state": "PUBLISHED", "post_id": new_id()}, {})  # no published_at
    feed_fanout.handle_profile_record({"PK": "USER#x", "SK": "USER", "followers": 10**6}, {})
    feed_fanout.handle_profile_record({}, {"PK": f"USER#{author}", "SK": "PROFILE", "followers": 10**6})
    feed_fanout.handle_follow_record({"follower_id": "a", "author_id": "b"}, {})
    assert emulator.dynamodb_operations() == []


def test_the_sticky_big_author_flag_counts_as_big(emulator, monkeypatch):
    """Once the profile keeps ``big_author`` (set by the social store when a follow
    reaches the threshold), setting it is the crossing, and a flagged author is
    not pushed even below the threshold."""
    monkeypatch.setenv(BIG_AUTHOR_ENV, "100")
    author, readers = new_id(), fs.user_ids(3)
    fs.follow_many(author, readers)
    profile = {"PK": accounts_keys.user_pk(author), "SK": keys.PROFILE_SK, "type": "Profile"}
    feed_fanout.handle_profile_record({**profile, "followers": 3, "big_author": True},
                                      {**profile, "followers": 2, "big_author": False})
    assert all(fs.pulls(r) == {author} for r in readers)
    monkeypatch.setattr(store, "author_standing", lambda author_id: (3, True))
    post_id = fs.post(author, at(0))
    assert feed_fanout.push_post(post_id, author, feed_time(at(0))) == feed_fanout.FanOut(0, 0, True)
    assert all_entries(readers) == []
