"""A real client against a real dev stack: Apollo Client (contract/apollo.mjs) logs in with
demo codes, pages the feeds with relayStylePagination and reports its cache; these tests
assert on that report. The stack is `python -m devstack` as a user runs it, demo data seeded."""
from __future__ import annotations

import json
import subprocess

import pytest

from devstack.project import PROJECT_ROOT
from tests.devstack.devstack_process import devstack

CLIENT_LIMIT = 60  # seconds; the scenario takes ~3 s, generous for a loaded 2-core machine

pytestmark = [pytest.mark.xdist_group("contract-apollo"),  # one dev stack for the module, on one worker
              pytest.mark.skipif(not (PROJECT_ROOT / "contract" / "node_modules").is_dir(),
                                 reason="contract/node_modules missing: `make test` installs it")]


@pytest.fixture(scope="module")
def report() -> dict:
    with devstack() as running:
        finished = subprocess.run(["node", "contract/apollo.mjs", f"{running.api}/graphql", "alice", "bob"],
                                  cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=CLIENT_LIMIT)
        assert finished.returncode == 0, finished.stderr + "\n" + running.log()
    return json.loads(finished.stdout)


def test_demo_codes_log_in_through_the_client(report):
    assert [user["displayName"] for user in report["logins"]] == ["Alice", "Bob"]
    assert {user["__typename"] for user in report["logins"]} == {"User"}


@pytest.mark.parametrize(("feed", "page_size", "pages"), [("discoverFeed", 2, 2), ("followingFeed", 1, 2)])
def test_fetch_more_pages_through_a_feed_losing_and_repeating_no_post(report, feed, page_size, pages):
    paged = report[feed]
    assert paged["pageSize"] == page_size
    assert len(paged["pages"]) == pages  # the seeded posts span several pages: fetchMore really ran
    assert all(0 < len(page) <= page_size for page in paged["pages"])
    assert [post for page in paged["pages"] for post in page] == paged["oneRequest"]
    # relayStylePagination's merged list is the listing in one request, in order, nothing twice.
    assert paged["merged"] == paged["oneRequest"]
    assert len(set(paged["merged"])) == len(paged["merged"])
    assert paged["mergedHasNextPage"] is False


def test_fetch_more_pages_backwards_from_the_end_losing_and_repeating_nothing(report):
    # `last`/`before` through relayStylePagination: each page prepended before the one after it.
    paged = report["moderationWordsBackwards"]
    assert len(paged["pages"]) == len(paged["oneRequest"]) >= 4  # the seeded words, one a page: fetchMore ran
    assert [word for page in reversed(paged["pages"]) for word in page] == paged["oneRequest"]
    assert paged["merged"] == paged["oneRequest"] and paged["mergedHasPreviousPage"] is False


def test_no_id_is_cached_under_two_types(report):
    # Users, authors and posts all reached the reader's normalised cache, so a shared id would show.
    assert {"User", "Author", "Post"} <= set(report["cachedTypes"])
    assert report["idsUnderSeveralTypes"] == {"alice": {}, "bob": {}}
