"""Promotion commands and reads.

Merchants create and end their own promotions; operators any merchant's. Every edit
reads the merchant's item (consistent), applies the pure rules and writes it back on
the version read; a write that lost to another edit reads again and retries, so two
of a merchant's staff creating at once both get theirs (no lost update).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from chalicelib.catalog.published.products import PRODUCT_SK, ProductItem, product_pk, to_product
from chalicelib.catalog.published.rules import ProductStatus
from chalicelib.core.clock import accept
from chalicelib.core.errors import Conflict, Forbidden, InvalidState, NotFound, Required
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.observability import count
from chalicelib.core.principal import Principal, Role, may_manage, require_role
from chalicelib.core.table.batch import batch_get
from chalicelib.promotions import rules, store
from chalicelib.promotions.rules import Promotion, Tier

# Each failed attempt means another edit of the same merchant succeeded; with at most
# MAX_PROMOTIONS current promotions, that many concurrent creates all finish.
EDIT_ATTEMPTS = rules.MAX_PROMOTIONS + 2


@dataclass(frozen=True)
class NewPromotion:
    title: str
    tiers: tuple[Tier, ...]
    starts_at: datetime
    ends_at: datetime
    product_ids: tuple[str, ...] = ()  # empty: every product of the merchant


def _merchant_of(principal: Principal | None, merchant_id: str | None) -> str:
    caller = require_role(principal, Role.MERCHANT, Role.OPERATOR)
    if merchant_id is None:
        if caller.role is Role.OPERATOR:
            raise Required("operators say whose promotion this is", "merchantId")
        return caller.user_id
    if not may_manage(caller, merchant_id):
        raise Forbidden("only your own promotions", "merchantId")
    return merchant_id


def _require_own_products(merchant_id: str, product_ids: tuple[str, ...]) -> None:
    """Each product exists, belongs to the merchant and is not archived: one BatchGetItem."""
    if not product_ids:
        return
    found = {item.product_id: to_product(item)
             for item in batch_get((product_pk(p), PRODUCT_SK) for p in product_ids)
             if isinstance(item, ProductItem)}
    for index, product_id in enumerate(product_ids):
        product = found.get(product_id)
        field = f"productIds.{index}"
        if product is None:
            raise NotFound("no such product", field)
        if product.merchant_id != merchant_id:
            raise Forbidden("this product belongs to another merchant", field)
        if product.status is ProductStatus.ARCHIVED:
            raise InvalidState("this product is archived", field)


def _edit(merchant_id: str, change, now: datetime):
    """Apply ``change(current promotions) -> (new list, result)`` on the item's version."""
    for _ in range(EDIT_ATTEMPTS):
        before = store.get(merchant_id, consistent=True)
        promotions, result = change(before.promotions)
        if store.save(before, promotions, now):
            return result
    raise Conflict("the merchant's promotions are busy; try again", "merchantId")


def create_promotion(principal: Principal | None, merchant_id: str | None, new: NewPromotion,
                     now: datetime) -> Promotion:
    merchant = _merchant_of(principal, merchant_id)
    product_ids = tuple(dict.fromkeys(new.product_ids))
    promotion = rules.validate_promotion(Promotion(
        id=new_id(), merchant_id=merchant, title=new.title, tiers=tuple(new.tiers),
        product_ids=frozenset(product_ids), starts_at=accept(new.starts_at, "startsAt"),
        ends_at=accept(new.ends_at, "endsAt"),
    ), now)
    _require_own_products(merchant, product_ids)
    created = _edit(merchant, lambda current: (rules.with_added(current, promotion, now), promotion), now)
    count("PromotionsCreated")
    return created


def end_promotion(principal: Principal | None, merchant_id: str, promotion_id: str, now: datetime) -> Promotion:
    """End a running promotion now (or call off an upcoming one): orders from now on do not get it."""
    merchant = _merchant_of(principal, merchant_id)
    if not is_id(promotion_id):
        raise NotFound("no such running or upcoming promotion", "promotionId")
    return _edit(merchant, lambda current: rules.without(current, promotion_id, now), now)


# ---------------------------------------------------------------- reads
def active_promotions(merchant_id: str, now: datetime) -> list[Promotion]:
    """The merchant's running promotions (storefront badges): one GetItem."""
    if not is_id(merchant_id):
        return []
    return [p for p in store.get(merchant_id).promotions if rules.is_active(p, now)]


def current_promotion(merchant_id: str, promotion_id: str, now: datetime) -> Promotion | None:
    """A running or upcoming promotion by id (ended ones are gone): one GetItem."""
    if not (is_id(merchant_id) and is_id(promotion_id)):
        return None
    return next((p for p in rules.current(store.get(merchant_id).promotions, now) if p.id == promotion_id), None)


def active_by_merchant(merchant_ids: Iterable[str], now: datetime) -> dict[str, list[Promotion]]:
    """Running promotions of many merchants: one BatchGetItem per 100."""
    return {m: [p for p in found if rules.is_active(p, now)] for m, found in store.of_merchants(merchant_ids).items()}
