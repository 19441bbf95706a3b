"""Access patterns of merchant promotions (满减), one function per row of
docs/data-model.md; test_access_patterns.py runs them. Helpers start with "_"."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.core.ids import new_id
from chalicelib.core.principal import Principal, Role
from chalicelib.promotions import service, store
from chalicelib.promotions.published.checkout import promotions_of
from chalicelib.promotions.rules import Tier
from tests.promotions.support import merchant_user

_NOW = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)
_OPERATOR = Principal("01J0000000000000000000OPER", Role.OPERATOR)


def _promotion(merchant_id: str, title: str = "夏日满减", starts=_NOW - timedelta(hours=1)):
    return service.create_promotion(_OPERATOR, merchant_user(merchant_id), service.NewPromotion(
        title=title, tiers=(Tier(9900, 1000),), starts_at=starts, ends_at=starts + timedelta(days=7)), _NOW).promotion


def running_promotions_of_many_merchants(emulator, category):
    merchants = [new_id() for _ in range(30)]
    running = {m: _promotion(m) for m in merchants[:3]}
    _promotion(merchants[0], "upcoming", starts=_NOW + timedelta(days=1))
    emulator.clear_log()
    found = promotions_of(merchants, _NOW)
    assert {m: [p.id for p in found[m]] for m in merchants[:3]} == {m: [p.id] for m, p in running.items()}
    assert all(found[m] == [] for m in merchants[3:])
    assert emulator.dynamodb_operations() == ["BatchGetItem"]


def a_merchant_s_promotions(emulator, category):
    merchant = new_id()
    created = _promotion(merchant)
    emulator.clear_log()
    assert [p.id for p in service.active_promotions(merchant, _NOW)] == [created.id]
    assert service.current_promotion(merchant, created.id, _NOW) == created
    assert emulator.dynamodb_operations() == ["GetItem", "GetItem"]


def create_or_end_a_promotion(emulator, category):
    merchant = merchant_user(new_id())
    emulator.clear_log()
    created = service.create_promotion(Principal(merchant, Role.MERCHANT), None, service.NewPromotion(
        title="夏日满减", tiers=(Tier(9900, 1000),), starts_at=_NOW, ends_at=_NOW + timedelta(days=7)), _NOW).promotion
    assert emulator.dynamodb_operations() == ["GetItem", "PutItem"]
    emulator.clear_log()
    service.end_promotion(_OPERATOR, merchant, created.id, _NOW)
    # An operator's edit first reads the merchant's user: it must be a merchant.
    assert emulator.dynamodb_operations() == ["GetItem", "GetItem", "PutItem"]
    assert store.get(merchant).promotions == ()
