"""Access patterns of friend assist, one function per row of docs/data-model.md;
test_access_patterns.py runs them. Helpers start with "_"."""
from __future__ import annotations

from chalicelib.assists import service as _assists
from chalicelib.assists import store as _store
from tests.assists.support import ALICE as _ALICE
from tests.assists.support import END as _END
from tests.assists.support import NOW as _NOW
from tests.assists.support import campaign as _campaign
from tests.assists.support import helper as _helper
from tests.assists.support import product as _product
from tests.assists.support import register as _register
from tests.assists.support import started as _started
from tests.coupons.support import OPERATOR as _OPERATOR
from tests.coupons.support import template as _template


def create_an_assist_campaign(emulator, category):
    product_id = _product()
    rewards = [_template(title=f"T{n}", public=False).id for n in (3, 10)]
    emulator.clear_log()
    _assists.create_campaign(_OPERATOR, _assists.NewCampaign(product_id, "Mango", ((3, rewards[0]), (10, rewards[1])),
                                                            _END), _NOW)
    assert emulator.dynamodb_operations() == ["BatchGetItem", "GetItem", "GetItem", "PutItem"]


def start_an_assist_campaign(emulator, category):
    c = _campaign((3,))
    _register(_ALICE)
    emulator.clear_log()
    first = _assists.start(_ALICE, c.id, _NOW)
    assert emulator.dynamodb_operations() == ["GetItem", "GetItem", "TransactWriteItems"]
    assert _assists.start(_ALICE, c.id, _NOW).code == first.code


def an_assist_by_share_code(emulator, category):
    _, instance = _started((3,))
    emulator.clear_log()
    assert _assists.instance_by_code(instance.code).code == instance.code
    assert emulator.dynamodb_operations() == ["GetItem"]


def assist_a_friend(emulator, category):
    _, instance = _started((1, 3))
    bob = _helper(1)
    emulator.clear_log()
    done = _assists.assist(bob, instance.code, _NOW)
    assert emulator.dynamodb_operations() == ["BatchGetItem", "TransactWriteItems"]
    assert done.reward_coupon_id is not None and _store.helper_day(bob.user_id, _NOW) == 1


def a_user_s_assist_instances_newest_first(emulator, category):
    codes = [_assists.start(_register(_ALICE), _campaign((3,)).id, _NOW).code for _ in range(3)]
    emulator.clear_log()
    first = _assists.my_instances(_ALICE, 2)
    rest = _assists.my_instances(_ALICE, 2, first.end)
    assert sorted(i.code for i in first.items + rest.items) == sorted(codes)
    assert first.has_more and not rest.has_more
    assert emulator.dynamodb_operations() == ["Query", "Query"]
