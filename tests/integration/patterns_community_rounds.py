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


# ---------------------------------------------------------------- ordering for pickup, pick lists, batches
def _pickup_round(leaders: int = 1, orders: int = 1, *, cancel_first: bool = False):
    from chalicelib.checkout import paying
    from tests.checkout.support import captured
    from tests.community import pickup_support as pickup

    s = pickup.stocked()
    leader_ids = [pickup.leader(n + 1) for n in range(leaders)]
    sold = pickup.open_round(s, leader_ids, limit=None)
    order_ids = []
    for _ in range(orders):
        placed = pickup.place(pickup.customer(), pickup.pickup_request(sold.id, s, 2, 1, leader_id=leader_ids[0]))
        at = _NOW + timedelta(minutes=1)
        assert paying.apply_payment_event(captured(placed.payment.id, placed.payment.amount, at), at) == "applied"
        order_ids.append(placed.orders[0].id)
    return s, sold, leader_ids, order_ids


def a_leader_s_pick_list(emulator, category):
    from chalicelib.community import pick_lists

    s, sold, (leader_id,), order_ids = _pickup_round(orders=3)
    emulator.clear_log()
    pick = pick_lists.pick_list(s.merchant, sold.id, leader_id)
    lines, page = pick_lists.pick_lines(pick), pick_lists.paid_orders(pick, 10)
    assert emulator.dynamodb_operations() == ["GetItem", "Query", "Query", "BatchGetItem"]
    assert [line.units for line in lines] == [6, 3] and len(page.items) == len(order_ids)


def close_a_round_at_its_cutoff(emulator, category):
    from chalicelib.community import closing
    from tests.community.pickup_support import CUTOFF

    _, sold, _, _ = _pickup_round(leaders=2)
    emulator.clear_log()
    assert closing.close_round(sold.id, CUTOFF + timedelta(minutes=2)) == "closed"
    assert sorted(emulator.dynamodb_operations()) == ["GetItem", "PutItem", "PutItem", "Query", "Query", "Query",
                                                      "Query"]


def a_round_s_delivery_batches(emulator, category):
    from chalicelib.community import batches, closing
    from tests.community.pickup_support import CUTOFF

    s, sold, _, _ = _pickup_round(leaders=2)
    closing.close_round(sold.id, CUTOFF + timedelta(minutes=2))
    emulator.clear_log()
    assert [(b.units, b.orders) for b in batches.round_batches(s.merchant, sold.id)] in ([(3, 1), (0, 0)],
                                                                                         [(0, 0), (3, 1)])
    assert emulator.dynamodb_operations() == ["GetItem", "Query"]


def mark_a_batch_delivered_its_orders_arrive(emulator, category):
    from chalicelib.community import arrival, batches, closing
    from chalicelib.orders.published.items import get_order_item
    from tests.community.pickup_support import CUTOFF

    s, sold, (leader_id,), order_ids = _pickup_round(orders=2)
    at = CUTOFF + timedelta(hours=8)
    closing.close_round(sold.id, CUTOFF + timedelta(minutes=2))
    emulator.clear_log()
    batches.mark_delivered(s.merchant, sold.id, leader_id, at)
    assert emulator.dynamodb_operations() == ["GetItem", "UpdateItem", "GetItem"]
    emulator.clear_log()
    assert arrival.batch_arrived(sold.id, leader_id, at) == 2
    assert emulator.dynamodb_operations() == ["Query", "BatchGetItem", "UpdateItem", "UpdateItem"]
    assert {get_order_item(o).state for o in order_ids} == {"SHIPPED"}
