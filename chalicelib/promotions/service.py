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

from chalicelib.accounts.published.users import get_user
from chalicelib.catalog.published.products import PRODUCT_SK, ProductItem, product_pk, to_product
from chalicelib.catalog.published.rules import ProductStatus
from chalicelib.core.clock import accept, iso
from chalicelib.core.errors import Conflict, Forbidden, IdempotencyKeyReused, InvalidState, NotFound, Required
from chalicelib.core.idempotency import idempotent_request
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.observability import count
from chalicelib.core.principal import Principal, Role, may_manage, require_role
from chalicelib.core.table.batch import batch_get
from chalicelib.promotions import rules, store
from chalicelib.promotions.rules import Promotion, Tier
from chalicelib.promotions.store import RequestKey

# Each failed attempt means another edit of the same merchant succeeded; with at most
# MAX_PROMOTIONS current promotions, that many concurrent creates all finish.
EDIT_ATTEMPTS = rules.MAX_PROMOTIONS + 2
CREATE_OPERATION = "createPromotion"


@dataclass(frozen=True)
class NewPromotion:
    title: str
    tiers: tuple[Tier, ...]
    starts_at: datetime
    ends_at: datetime
    product_ids: tuple[str, ...] = ()  # empty: every product of the merchant


def _merchant_of(principal: Principal | None, merchant_id: str | None) -> tuple[Principal, str]:
    """The caller and the merchant whose promotions they edit."""
    caller = require_role(principal, Role.MERCHANT, Role.OPERATOR)
    if merchant_id is None:
        if caller.role is Role.OPERATOR:
            raise Required("operators say whose promotion this is", "merchantId")
        return caller, caller.user_id
    if not may_manage(caller, merchant_id):
        raise Forbidden("only your own promotions", "merchantId")
    if caller.user_id != merchant_id:  # an operator's: the merchant must be one (one GetItem)
        merchant = get_user(merchant_id) if is_id(merchant_id) else None
        if merchant is None or merchant.role is not Role.MERCHANT:
            raise NotFound("no such merchant", "merchantId")
    return caller, merchant_id


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


def _edit(merchant_id: str, change, now: datetime, request: RequestKey | None = None):
    """Apply ``change(current promotions) -> (new list, result)`` on the item's version.
    A create carrying a ``request`` key already used for a current promotion answers with
    that promotion instead (``(result, True)``: replayed, nothing written)."""
    for _ in range(EDIT_ATTEMPTS):
        before = store.get(merchant_id, consistent=True)
        replay = _replay(before, request)
        if replay is not None:
            return replay, True
        promotions, result = change(before.promotions)
        if store.save(before, promotions, now, {result.id: request} if request else None):
            return result, False
    raise Conflict("the merchant's promotions are busy; try again", "merchantId")


def _replay(before: store.MerchantPromotions, request: RequestKey | None) -> Promotion | None:
    if request is None:
        return None
    for promotion in before.promotions:
        used = before.request_keys.get(promotion.id)
        if used is not None and used.key == request.key:
            if used.fingerprint != request.fingerprint:
                raise IdempotencyKeyReused("this idempotency key was used for a different promotion",
                                           "idempotencyKey")
            return promotion
    return None


@dataclass(frozen=True, slots=True)
class CreateOutcome:
    promotion: Promotion
    replayed: bool  # True: this key created it before; nothing was written now


def create_promotion(principal: Principal | None, merchant_id: str | None, new: NewPromotion,
                     now: datetime, idempotency_key: str | None = None) -> CreateOutcome:
    """Create a promotion. With an idempotency key, a retry while the promotion is current
    (running or upcoming) answers with it and makes no other; the same key with another
    promotion is refused (IDEMPOTENCY_KEY_REUSED)."""
    caller, merchant = _merchant_of(principal, merchant_id)
    product_ids = tuple(dict.fromkeys(new.product_ids))
    promotion = rules.validate_promotion(Promotion(
        id=new_id(), merchant_id=merchant, title=new.title, tiers=tuple(new.tiers),
        product_ids=frozenset(product_ids), starts_at=accept(new.starts_at, "startsAt"),
        ends_at=accept(new.ends_at, "endsAt"),
    ), now)
    request = None
    if idempotency_key is not None:
        asked = idempotent_request(caller.user_id, CREATE_OPERATION, idempotency_key, merchant,
                                   promotion.title, promotion.tiers, sorted(product_ids), iso(promotion.starts_at),
                                   iso(promotion.ends_at))
        request = RequestKey(store.request_key_digest(asked.scope, asked.key), asked.fingerprint)
    _require_own_products(merchant, tuple(new.product_ids))
    created, replayed = _edit(merchant, lambda current: (rules.with_added(current, promotion, now), promotion), now,
                              request)
    if not replayed:
        count("PromotionsCreated")
    return CreateOutcome(created, replayed)


def end_promotion(principal: Principal | None, merchant_id: str, promotion_id: str, now: datetime) -> Promotion:
    """End a running promotion now (or call off an upcoming one): orders from now on do not get it."""
    _, merchant = _merchant_of(principal, merchant_id)
    if not is_id(promotion_id):
        raise NotFound("no such running or upcoming promotion", "promotionId")
    ended, _ = _edit(merchant, lambda current: rules.without(current, promotion_id, now), now)
    return ended


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
