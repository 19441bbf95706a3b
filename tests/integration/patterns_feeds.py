"""Access patterns of the content feeds (docs/data-model.md), one function each, named
after its row; registered by tests/integration/test_access_patterns.py. Test data is
written with the feed models (tests/feeds/feed_support.py), as the post and social
stores write it."""
from __future__ import annotations

from chalicelib.core.ids import new_id
from chalicelib.feeds import fanout as feed_fanout
from chalicelib.feeds import feed_store as store
from chalicelib.feeds import keys
from chalicelib.feeds.ranking import feed_time
from tests.feeds import feed_support as fs
from tests.feeds.feed_support import at, ids_of


def a_reader_s_following_feed_newest_first(emulator, category):
    me, friend, star = fs.user_ids(3)
    pushed = [fs.post(friend, at(i)) for i in range(0, 6, 2)]
    for i, post_id in zip(range(0, 6, 2), pushed, strict=True):
        fs.push(me, post_id, friend, at(i))
    pulled = [fs.post(star, at(i)) for i in range(1, 6, 2)]
    mine = fs.post(me, at(10))
    fs.set_pulls(me, star)
    emulator.clear_log()
    first = store.following_page(me, 4)
    assert ids_of(first) == [mine, pulled[2], pushed[2], pulled[1]] and first.has_more
    # inbox (+ PULLS, met first), own posts, the big author's posts, the inbox's posts
    assert sorted(emulator.dynamodb_operations()) == ["BatchGetItem", "Query", "Query", "Query"]
    emulator.clear_log()
    rest = store.following_page(me, 4, first.position)
    assert ids_of(rest) == [pushed[1], pulled[0], pushed[0]] and not rest.has_more
    # own posts exhausted on the first page: not read again; the position names the big author
    assert sorted(emulator.dynamodb_operations()) == ["BatchGetItem", "Query", "Query"]


def an_author_s_published_posts_newest_first(emulator, category):
    author = new_id()
    posts = [fs.post(author, at(i)) for i in range(3)]
    fs.post(author, None, state="PENDING_REVIEW")
    emulator.clear_log()
    first = store.author_page(author, 2)
    rest = store.author_page(author, 2, first.position)
    assert ids_of(first) + ids_of(rest) == posts[::-1] and first.has_more and not rest.has_more
    assert emulator.dynamodb_operations() == ["Query", "Query"]


def published_posts_linking_a_product_newest_first(emulator, category):
    product = new_id()
    posts = [fs.post(new_id(), at(i), products=(product, new_id())) for i in range(3)]
    fs.set_state(posts[1], "HIDDEN")
    emulator.clear_log()
    page = store.product_page(product, 20)
    assert ids_of(page) == [posts[2], posts[0]] and not page.has_more
    assert page.posts[0].products[0].product_id == product
    assert emulator.dynamodb_operations() == ["Query", "BatchGetItem"]


def discover_published_posts_by_score(emulator, category):
    author = new_id()
    quiet = fs.post(author, at(60))
    liked = fs.post(author, at(0), likes=100)  # an hour older, 100 likes: ranks higher
    emulator.clear_log()
    page = store.discover_page(20)
    assert ids_of(page) == [liked, quiet] and not page.has_more
    assert emulator.dynamodb_operations() == ["Query"]


def an_author_s_followers_for_the_fan_out(emulator, category):
    author, readers = new_id(), fs.user_ids(5)
    fs.follow_many(author, readers)
    fs.follow_many(new_id(), [readers[0]])
    emulator.clear_log()
    pages = list(store.follower_pages(author, page_size=3))
    assert sorted(r for page in pages for r in page) == sorted(readers) and [len(p) for p in pages] == [3, 2]
    assert emulator.dynamodb_operations() == ["Query", "Query"]


def push_or_withdraw_a_post_in_followers_feeds(emulator, category):
    author, readers = new_id(), fs.user_ids(30)
    fs.follow_many(author, readers)
    fs.set_followers(author, 30)
    post_id = fs.post(author, at(0))
    emulator.clear_log()
    pushed = feed_fanout.push_post(post_id, author, feed_time(at(0)))
    assert pushed == feed_fanout.FanOut(30, 2, False)
    # the author's follower count, the followers, the entries 25 a request
    assert emulator.dynamodb_operations() == ["GetItem", "Query", "BatchWriteItem", "BatchWriteItem"]
    assert fs.entries_of(post_id, readers[:3]) == dict.fromkeys(readers[:3], 1)
    emulator.clear_log()
    feed_fanout.withdraw_post(post_id, author, feed_time(at(0)))
    assert emulator.dynamodb_operations() == ["GetItem", "Query", "BatchWriteItem", "BatchWriteItem"]
    assert fs.entries_of(post_id, readers[:3]) == dict.fromkeys(readers[:3], 0)


def add_a_big_author_to_a_reader_s_pulls(emulator, category):
    me, star, other = fs.user_ids(3)
    emulator.clear_log()
    store.add_pull(me, star)
    store.add_pull(me, other)
    store.add_pull(me, star)
    assert emulator.dynamodb_operations() == ["UpdateItem"] * 3
    assert fs.pulls(me) == {star, other}


def a_reader_s_feed_entries_from_one_author(emulator, category):
    me, left, stays = fs.user_ids(3)
    for i in range(3):
        fs.push(me, fs.post(left, at(2 * i)), left, at(2 * i))
        fs.push(me, fs.post(stays, at(2 * i + 1)), stays, at(2 * i + 1))
    emulator.clear_log()
    stale = store.inbox_entries_of_author(me, left)
    assert len(stale) == 3 and all(pk == keys.feed_pk(me) for pk, _ in stale)
    assert emulator.dynamodb_operations() == ["Query"]
