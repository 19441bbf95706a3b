"""Points mall (积分商城) commands and reads.

Operators create, edit, activate and deactivate items; signed-in customers list the
active ones and redeem them with their points, once per idempotency key. A
redemption reads the item once, then writes one transaction whose conditions
(points, stock, per-user limit, the key), not the read, decide under concurrency.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.catalog.published import products as catalog_store
from chalicelib.catalog.published.rules import ProductStatus
from chalicelib.core.errors import Conflict, InvalidState, NotFound
from chalicelib.core.idempotency import idempotent_request
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.observability import count
from chalicelib.core.principal import Principal, Role, require_role, require_self, require_user
from chalicelib.core.table.paging import Page, PageRequest, checked_request
from chalicelib.mall import rules, store
from chalicelib.mall.rules import CouponTerms, MallItem, MallItemChanges, MallItemGone, MallItemKind, Redemption
from chalicelib.mall.store import RedeemOutcome

MAX_PAGE = 100
REDEEM_OPERATION = "redeemMallItem"
EDIT_RETRIES = 3  # an edit of the stock retries when a redemption moved it meanwhile


@dataclass(frozen=True)
class NewMallItem:
    kind: MallItemKind
    title: str
    points_price: int
    stock: int
    description: str = ""
    image_url: str | None = None
    per_user_limit: int = 1
    active: bool = False
    product_id: str | None = None  # PRODUCT
    sku_id: str | None = None
    coupon: CouponTerms | None = None  # COUPON


# ---------------------------------------------------------------- operators
def _require_sku(product_id: str, sku_id: str) -> None:
    record = catalog_store.product_record(product_id, consistent=True)
    if record is None or sku_id not in {s.id for s in record.skus}:
        raise NotFound("no such SKU in the catalog", "skuId")
    if record.product.status is ProductStatus.ARCHIVED:
        raise InvalidState("this product is archived", "skuId")


def create_item(principal: Principal | None, new: NewMallItem, now: datetime) -> MallItem:
    require_role(principal, Role.OPERATOR)
    item = rules.validate_item(MallItem(
        id=new_id(), kind=new.kind, title=new.title, points_price=new.points_price, stock=new.stock,
        description=new.description, image_url=new.image_url, per_user_limit=new.per_user_limit, active=new.active,
        product_id=new.product_id, sku_id=new.sku_id, coupon=new.coupon, created_at=now, updated_at=now,
    ))
    if item.kind is MallItemKind.PRODUCT:
        _require_sku(item.product_id, item.sku_id)  # type: ignore[arg-type]
    store.create_item(item)
    count("MallItemsCreated")
    return item


def update_item(principal: Principal | None, item_id: str, changes: MallItemChanges, now: datetime) -> MallItem:
    """Change the fields given. ``stock`` sets the units left from now on."""
    require_role(principal, Role.OPERATOR)
    for _ in range(EDIT_RETRIES):
        before = store.get_item(item_id, consistent=True) if is_id(item_id) else None
        if before is None:
            raise NotFound("no such mall item", "id")
        after = rules.apply_changes(before.item, changes, now)
        if after.kind is MallItemKind.PRODUCT and (after.product_id, after.sku_id) != (
                before.item.product_id, before.item.sku_id):
            _require_sku(after.product_id, after.sku_id)  # type: ignore[arg-type]
        if store.update_item(before, after):
            return after
        current = store.get_item(item_id, consistent=True)
        if current is None or current.version != before.version:
            raise Conflict("the item was changed by someone else; read it again and retry", "id")
        # Only the stock moved (a redemption): apply the edit again to what is there now.
    raise Conflict("the item is busy; try again", "id")


def set_active(principal: Principal | None, item_id: str, active: bool, now: datetime) -> MallItem:
    return update_item(principal, item_id, MallItemChanges(active=active), now)


# ---------------------------------------------------------------- reads
def get_item(item_id: str) -> MallItem | None:
    found = store.get_item(item_id) if is_id(item_id) else None
    return found.item if found else None


def visible_item(principal: Principal | None, item_id: str) -> MallItem | None:
    """An item by id: active ones for everyone, inactive ones for operators only."""
    item = get_item(item_id)
    if item is None or item.active or (principal is not None and principal.role is Role.OPERATOR):
        return item
    return None


def active_items(first: int | PageRequest, after: str | None = None) -> Page[MallItem]:
    """Active items newest first (sold-out ones too: they show as sold out), either way."""
    return store.active_items(checked_request(first, after, MAX_PAGE, is_id))


def my_redemptions(principal: Principal | None, first: int | PageRequest,
                   after: str | None = None) -> Page[Redemption]:
    caller = require_user(principal)
    return store.user_redemptions(caller.user_id, checked_request(first, after, MAX_PAGE, is_id))


def redemptions_of(principal: Principal | None, user_id: str, first: int | PageRequest,
                   after: str | None = None) -> Page[Redemption]:
    """``me.mallRedemptions``: the caller's own only, newest first."""
    require_self(principal, user_id, "your own redemptions")
    return my_redemptions(principal, first, after)


def get_redemption(principal: Principal | None, redemption_id: str) -> Redemption | None:
    """The caller's own redemption; someone else's does not exist for them."""
    if principal is None or not is_id(redemption_id):
        return None
    found = store.get_redemption(redemption_id, consistent=False)
    return found if found is not None and found.user_id == principal.user_id else None


# ---------------------------------------------------------------- redeeming
def redeem(principal: Principal | None, item_id: str, idempotency_key: str, now: datetime) -> RedeemOutcome:
    """Redeem one unit of an item with the caller's points. Sending the same key again
    answers with the first redemption and takes nothing more."""
    caller = require_user(principal)
    request = idempotent_request(caller.user_id, REDEEM_OPERATION, idempotency_key, item_id)
    found = store.get_item(item_id, consistent=True) if is_id(item_id) else None
    try:
        item = rules.check_redeemable(found.item if found else None)
    except MallItemGone:
        replay = store.find_replay(request)  # the first request may have taken the last unit
        if replay is not None:
            return RedeemOutcome(replay, True)
        raise
    outcome = store.redeem(item, rules.new_redemption(item, caller.user_id, new_id(), now), request, now)
    if not outcome.replayed:
        count("MallRedemptions")
        count("MallPointsRedeemed", outcome.redemption.points)
    return outcome
