"""Following feed: the cost of fan-out on write for an author with 100, 1,000 and
10,000 followers, and what a reader pays on the other side when the author is
pushed (below the big-author threshold) or pulled (above it). Prints a table and
JSON; asserts nothing.

    .venv/bin/python bench/fanout.py [--followers 100,1000,10000] [--runs 3] [--reads 5]

Runs against the local emulator (moto in server mode, serialised like the tests',
started in this process on a fresh table per size). Per size:

- push: ``feed_fanout.push_post`` for ``--runs`` posts (what the stream consumer
  calls for a newly visible post) with the threshold set above the size: entries
  written, requests by operation, time per post (median, and the best); and the
  same call with the author at the threshold (big: nothing pushed);
- read: a page of 20 and of 100 of the following feed of a reader whose inbox
  holds the author's posts (push), and of a reader with the author in ``PULLS``
  and an empty inbox (pull): requests and time (median of ``--reads``).

Times are the emulator's (one Python process serving every request over loopback),
not DynamoDB's; the request counts are what DynamoDB would see.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devstack.emulator import Emulator  # noqa: E402
from devstack.environment import apply_environment, local_environment  # noqa: E402
from devstack.resources import create_resources  # noqa: E402

TABLE = "tuanstack-bench-fanout"
POSTS = 110  # more than a page of 100 for the read side


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--followers", default="100,1000,10000")
    parser.add_argument("--runs", type=int, default=3, help="posts fanned out per size")
    parser.add_argument("--reads", type=int, default=5, help="reads per page size and mode")
    args = parser.parse_args()
    sizes = [int(n) for n in args.followers.split(",")]

    emulator = Emulator().start()
    apply_environment({
        **local_environment(emulator.endpoint_url, table_name=TABLE, secret_key=secrets.token_urlsafe(48)),
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    })
    # After the environment: models read the table and endpoint when they load.
    from chalicelib.core.ids import new_id
    from chalicelib.feeds import fanout as feed_fanout
    from chalicelib.feeds import feed_store as store
    from chalicelib.feeds import social
    from chalicelib.feeds.ranking import feed_time
    from chalicelib.feeds.rules import DEFAULT_BIG_AUTHOR_FOLLOWERS
    from tests.feeds import feed_support as fs

    threshold = feed_fanout.big_author_threshold()
    default_threshold = os.environ.get(social.BIG_AUTHOR_ENV)
    results = []
    for n in sizes:
        emulator.reset()
        create_resources(emulator.endpoint_url, os.environ["AWS_REGION"], table_name=TABLE)
        author = new_id()
        followers = [new_id() for _ in range(n)]
        started = time.perf_counter()
        fs.follow_many(author, followers)
        fs.set_followers(author, n)
        posts = [(fs.post(author, fs.at(i)), fs.at(i)) for i in range(POSTS)]
        setup = time.perf_counter() - started

        # Below the threshold (raised past n for the measurement, whatever the default): pushed.
        os.environ[social.BIG_AUTHOR_ENV] = str(n + 1)
        push_times, push_ops, fanouts = [], [], []
        for post_id, published in posts[-args.runs:]:  # the newest: the pushed reader sees them on top
            emulator.clear_log()
            started = time.perf_counter()
            fanouts.append(feed_fanout.push_post(post_id, author, feed_time(published)))
            push_times.append(time.perf_counter() - started)
            push_ops.append(dict(emulator.dynamodb_counts()))
        assert all(f.readers == n for f in fanouts)
        # At or above it: nothing is pushed (the record costs the profile read).
        os.environ[social.BIG_AUTHOR_ENV] = str(n)
        emulator.clear_log()
        big = feed_fanout.push_post(posts[0][0], author, feed_time(posts[0][1]))
        assert big.big_author and big.readers == 0
        big_ops = dict(emulator.dynamodb_counts())
        if default_threshold is None:
            os.environ.pop(social.BIG_AUTHOR_ENV, None)
        else:
            os.environ[social.BIG_AUTHOR_ENV] = default_threshold

        pushed_reader = followers[0]  # already has the fanned-out posts; give it the rest too
        for post_id, published in posts[:-args.runs]:
            fs.push(pushed_reader, post_id, author, published)
        pulling_reader = new_id()  # follows the author as a big author: PULLS, empty inbox
        fs.set_pulls(pulling_reader, author)

        reads = {}
        for mode, reader in (("push", pushed_reader), ("pull", pulling_reader)):
            for size in (20, 100):
                times, ops = [], None
                for _ in range(args.reads):
                    emulator.clear_log()
                    started = time.perf_counter()
                    page = store.following_page(reader, size)
                    times.append(time.perf_counter() - started)
                    ops = dict(sorted(emulator.dynamodb_counts().items()))
                    assert len(page.posts) == size and page.posts[0].post.id == posts[-1][0]
                reads[f"{mode}_{size}"] = {"requests": ops, "ms": round(statistics.median(times) * 1000, 1)}

        results.append({
            "followers": n,
            "setup_s": round(setup, 1),
            "entries_per_post": fanouts[0].readers,
            "batch_writes_per_post": fanouts[0].requests,
            "requests_per_post": push_ops[0],
            "requests_per_post_when_big": big_ops,
            "push_ms_median": round(statistics.median(push_times) * 1000, 1),
            "push_ms_best": round(min(push_times) * 1000, 1),
            "read": reads,
        })
        r = results[-1]
        print(f"  {n:>6,} followers measured (setup {r['setup_s']} s, push {r['push_ms_median']} ms)", flush=True)

    print()
    print(f"big-author threshold: {threshold:,} followers ({social.BIG_AUTHOR_ENV}, "
          f"default {DEFAULT_BIG_AUTHOR_FOLLOWERS:,}); for the push figures it is set above each size, "
          f"for 'when big' to the size itself")
    print(f"emulator times, {args.runs} posts and {args.reads} reads each")
    print()
    header = (f"{'followers':>9} | {'entries/post':>12} | {'BatchWrite/post':>15} | {'other requests':>18} | "
              f"{'push ms/post (median, best)':>27} | {'ms/entry':>8} | when big")
    print(header)
    print("-" * len(header))
    for r in results:
        other = ", ".join(f"{op} {c}" for op, c in sorted(r["requests_per_post"].items()) if op != "BatchWriteItem")
        print(f"{r['followers']:>9,} | {r['entries_per_post']:>12,} | {r['batch_writes_per_post']:>15,} | "
              f"{other:>18} | {r['push_ms_median']:>17,.1f}, {r['push_ms_best']:>8,.1f} | "
              f"{r['push_ms_median'] / max(1, r['entries_per_post']):>8.3f} | "
              + ", ".join(f"{op} {c}" for op, c in sorted(r["requests_per_post_when_big"].items())))
    print()
    header = f"{'followers':>9} | {'mode':>4} | {'page':>4} | {'requests':<30} | {'ms/page':>7}"
    print(header)
    print("-" * len(header))
    for r in results:
        for key, read in r["read"].items():
            mode, size = key.split("_")
            requests = ", ".join(f"{op} {c}" for op, c in read["requests"].items())
            print(f"{r['followers']:>9,} | {mode:>4} | {size:>4} | {requests:<30} | {read['ms']:>7.1f}")
    print()
    print(json.dumps({"threshold": threshold, "runs": args.runs, "reads": args.reads, "results": results}, indent=1))
    emulator.stop()


if __name__ == "__main__":
    main()
