"""tests/xdist_groups.py: a test marked `xdist_group` carries its group in its id on
an xdist worker of a `--dist loadgroup` run (what sends a group to one worker)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from _pytest.nodeid import NodeId

from tests.xdist_groups import pytest_collection_modifyitems as add_group_suffixes

GROUP = "xdist-groups-self-check"


@pytest.mark.xdist_group(GROUP)
def test_under_loadgroup_a_grouped_test_s_id_ends_with_its_group(request):
    if not getattr(request.config.option, "loadgroup", False):
        pytest.skip("only the workers of a `-n N --dist loadgroup` run (make test) group tests")
    assert request.node.nodeid.endswith(f"@{GROUP}")


class CollectedItem:
    """What the hook reads and writes of a pytest item (a real one needs a whole
    collection: pytester's teardown alone took 7 s on a loaded worker)."""

    def __init__(self, nodeid: str, *marks: pytest.MarkDecorator) -> None:
        self._id = NodeId.parse(nodeid)
        self.marks = [decorator.mark for decorator in marks]

    @property
    def nodeid(self) -> str:
        return str(self._id)

    def iter_markers(self, name: str):
        return (mark for mark in self.marks if mark.name == name)


def test_the_suffix_is_added_once_only_to_grouped_tests_and_only_under_loadgroup():
    ids = ["tests/t.py::test_grouped", "tests/t.py::test_loose[x@y]"]
    items = [CollectedItem(ids[0], pytest.mark.xdist_group("b"), pytest.mark.xdist_group(name="a")),
             CollectedItem(ids[1], pytest.mark.parametrize("p", ["x@y"]))]
    add_group_suffixes(SimpleNamespace(option=SimpleNamespace()), items)  # no loadgroup: unchanged
    assert [item.nodeid for item in items] == ids
    loadgroup = SimpleNamespace(option=SimpleNamespace(loadgroup=True))
    add_group_suffixes(loadgroup, items)
    add_group_suffixes(loadgroup, items)  # a suffix already there (xdist's own) is kept, not doubled
    assert [item.nodeid for item in items] == [ids[0] + "@a_b", ids[1]]
