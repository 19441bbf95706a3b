"""`@pytest.mark.xdist_group` working again under pytest 9 (a plugin of tests/conftest.py).

`--dist loadgroup` sends the tests of one group to one worker by the `@group`
suffix each worker adds to their ids. pytest-xdist 3.8 writes that suffix to
`item._nodeid`, which pytest 9 no longer reads (an item's id lives in `item._id`):
the marks did nothing, and every worker that was given one of a group's tests
built the group's module or session fixture again (the deploy package up to four
times, the Apollo dev stack three). This adds the suffix where xdist's did not stick.
"""
from __future__ import annotations

import pytest


def group_suffix(item: pytest.Item) -> str | None:
    names = sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                    for mark in item.iter_markers("xdist_group")})
    return "_".join(names) or None


def has_group_suffix(nodeid: str) -> bool:
    return nodeid.rfind("@") > nodeid.rfind("]")  # as xdist reads it: an "@" inside parameters is not one


@pytest.hookimpl(trylast=True)  # after every conftest has added its marks (tests/infra/conftest.py does)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not getattr(config.option, "loadgroup", False):  # set on the workers of a `--dist loadgroup` run only
        return
    from _pytest.nodeid import NodeId

    for item in items:
        suffix = group_suffix(item)
        if suffix and not has_group_suffix(item.nodeid):
            item._id = NodeId.parse(f"{item.nodeid}@{suffix}")
