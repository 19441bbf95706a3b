"""Access patterns of community sale rounds, one function per row of docs/data-model.md;
test_access_patterns.py runs them. Helpers start with "_"."""
from __future__ import annotations

from datetime import timedelta

from chalicelib.community import rounds as _rounds
from chalicelib.community import store_rounds as _store
from chalicelib.core.table.paging import PageRequest as _PageRequest
from tests.community.rounds_support import MERCHANT as _MERCHANT
from tests.community.rounds_support import NOW as _NOW
from tests.community.rounds_support import TONIGHT as _TONIGHT
from tests.community.rounds_support import leader as _leader
from tests.community.rounds_support import open_round as _open_round
from tests.community.rounds_support import product as _product


def open_a_community_sale_round(emulator, category):
    skus, leaders = _product(), [_leader(n) for n in range(50)]
    emulator.clear_log()
    opened = _open_round(skus, leaders)
    assert emulator.dynamodb_operations() == ["BatchGetItem", "BatchGetItem", "TransactWriteItems"]
    assert _store.get_round(opened.id).leader_ids == tuple(leaders)


def a_leader_s_open_community_rounds_soonest_cutoff_first(emulator, category):
    skus, mine = _product(), _leader(1)
    later = _open_round(skus, [mine], cutoff=_TONIGHT)
    sooner = _open_round(skus, [mine], cutoff=_TONIGHT - timedelta(hours=2))
    _open_round(skus, [mine], cutoff=_NOW + timedelta(minutes=1))  # past by the time we read
    emulator.clear_log()
    page = _store.open_rounds_of_leader(mine, _PageRequest(10), _NOW + timedelta(minutes=1))
    assert [r.id for r in page.items] == [sooner.id, later.id]
    assert emulator.dynamodb_operations() == ["Query", "BatchGetItem"]


def a_merchant_s_community_rounds_newest_first(emulator, category):
    skus = _product()
    ids = [_open_round(skus, [_leader(1)]).id for _ in range(3)]
    emulator.clear_log()
    first = _store.rounds_of_merchant(_MERCHANT.user_id, _PageRequest(2))
    rest = _store.rounds_of_merchant(_MERCHANT.user_id, _PageRequest(2, first.end))
    assert [r.id for r in first.items + rest.items] == ids[::-1] and first.has_more and not rest.has_more
    assert emulator.dynamodb_operations() == ["Query", "Query"]


def a_community_round_by_id(emulator, category):
    opened = _open_round(_product(), [_leader(1)])
    emulator.clear_log()
    assert _rounds.get_round(opened.id) == opened
    assert emulator.dynamodb_operations() == ["GetItem"]


def cancel_a_community_sale_round(emulator, category):
    skus, leaders = _product(), [_leader(n) for n in range(50)]
    opened = _open_round(skus, leaders)
    emulator.clear_log()
    _rounds.cancel_round(_MERCHANT, opened.id, _NOW)
    assert emulator.dynamodb_operations() == ["GetItem", "TransactWriteItems"]
    assert _store.open_rounds_of_leader(leaders[49], _PageRequest(10), _NOW).items == []
