"""The points mall in the single table.

- ``MALL#<item>`` / ``MALL_ITEM``: an item, its stock and a ``version`` for
  optimistic edits. Only an active item carries ``GSI1PK = MALL_ITEMS#ACTIVE`` /
  ``GSI1SK = <item id>`` (sparse: an inactive item cannot appear in the listing).
- ``MALL#<item>`` / ``REDEEMER#<user>``: how many of the item a user redeemed, the
  per-user limit's counter.
- ``MALL_REDEMPTION#<id>`` / ``MALL_REDEMPTION``: a redemption, in its user's GSI1
  partition ``USER#<user>#MALL_REDEMPTIONS`` sorted by id (ULID: newest last).

A redemption is ONE transaction (points.store.spend): the points taken oldest lot
first (source ``mall:<redemption id>``), the item's stock down by one if it is
active and in stock at its price, the user's counter up by one below the limit, the
redemption put and the client's idempotency key claimed. Either all of it happens
or none of it.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist

from chalicelib.core.clock import from_iso, iso
from chalicelib.core.errors import InvalidState
from chalicelib.core.idempotency import IdempotentRequest
from chalicelib.core.table import idempotency
from chalicelib.core.table.batch import batch_get
from chalicelib.core.table.conditional import update_if
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.paging import Page, PageRequest, query_page
from chalicelib.coupons.published import issuing as coupon_issuing
from chalicelib.mall import keys
from chalicelib.mall.rules import (
    CouponTerms,
    MallItem,
    MallItemGone,
    MallItemKind,
    MallLimitReached,
    MallPriceChanged,
    Redemption,
    RedemptionState,
)
from chalicelib.points.published import checkout as points_store
from chalicelib.points.published.checkout import InsufficientPoints


# ---------------------------------------------------------------- models
class MallItemRecord(TableItem, discriminator="MallItem"):
    item_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    title = UnicodeAttribute()
    description = UnicodeAttribute(default="")
    image_url = UnicodeAttribute(null=True)
    points_price = NumberAttribute()
    stock = NumberAttribute(default=0)
    redeemed = NumberAttribute(default=0)
    per_user_limit = NumberAttribute(default=1)
    active = BooleanAttribute(default=False)
    product_id = UnicodeAttribute(null=True)
    sku_id = UnicodeAttribute(null=True)
    coupon_value = NumberAttribute(null=True)
    coupon_min_order = NumberAttribute(null=True)
    coupon_valid_days = NumberAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = NumberAttribute(default=0)


class MallRedeemerItem(TableItem, discriminator="MallRedeemer"):
    """Units of one item one user redeemed: the per-user limit's counter."""

    redeemed = NumberAttribute(default=0)


class MallRedemptionItem(TableItem, discriminator="MallRedemption"):
    redemption_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    item_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    title = UnicodeAttribute()
    points = NumberAttribute()
    state = UnicodeAttribute()
    created_at = UnicodeAttribute()
    coupon_code = UnicodeAttribute(null=True)
    coupon_value = NumberAttribute(null=True)
    coupon_min_order = NumberAttribute(null=True)
    coupon_valid_days = NumberAttribute(null=True)
    coupon_expires_at = UnicodeAttribute(null=True)
    coupon_id = UnicodeAttribute(null=True)
    product_id = UnicodeAttribute(null=True)
    sku_id = UnicodeAttribute(null=True)


# ---------------------------------------------------------------- mapping
def _int(value) -> int | None:
    return None if value is None else int(value)


def to_item(record: MallItemRecord) -> MallItem:
    coupon = None
    if record.coupon_value is not None:
        coupon = CouponTerms(int(record.coupon_value), int(record.coupon_min_order or 0),
                             int(record.coupon_valid_days or 0))
    return MallItem(
        id=record.item_id, kind=MallItemKind(record.kind), title=record.title, points_price=int(record.points_price),
        stock=int(record.stock), description=record.description or "", image_url=record.image_url,
        per_user_limit=int(record.per_user_limit), active=bool(record.active), product_id=record.product_id,
        sku_id=record.sku_id, coupon=coupon, redeemed=int(record.redeemed or 0),
        created_at=from_iso(record.created_at), updated_at=from_iso(record.updated_at),
    )


def _index_keys(item: MallItem) -> tuple[str | None, str | None]:
    return (keys.MALL_ACTIVE_ITEMS, item.id) if item.active else (None, None)


def _item_record(item: MallItem, version: int) -> MallItemRecord:
    gsi_pk, gsi_sk = _index_keys(item)
    coupon = item.coupon
    return MallItemRecord(
        keys.mall_item_pk(item.id), keys.MALL_ITEM_SK,
        item_id=item.id, kind=item.kind.value, title=item.title, description=item.description,
        image_url=item.image_url, points_price=item.points_price, stock=item.stock, redeemed=item.redeemed,
        per_user_limit=item.per_user_limit, active=item.active, product_id=item.product_id, sku_id=item.sku_id,
        coupon_value=coupon.value if coupon else None, coupon_min_order=coupon.min_order if coupon else None,
        coupon_valid_days=coupon.valid_days if coupon else None,
        created_at=iso(item.created_at), updated_at=iso(item.updated_at or item.created_at), version=version,
        GSI1PK=gsi_pk, GSI1SK=gsi_sk,
    )


def to_redemption(item: MallRedemptionItem) -> Redemption:
    coupon = None
    if item.coupon_value is not None:
        coupon = CouponTerms(int(item.coupon_value), int(item.coupon_min_order or 0), int(item.coupon_valid_days or 0))
    return Redemption(
        id=item.redemption_id, user_id=item.user_id, item_id=item.item_id, kind=MallItemKind(item.kind),
        title=item.title, points=int(item.points), state=RedemptionState(item.state), created_at=from_iso(item.created_at),
        coupon_code=item.coupon_code, coupon=coupon, coupon_id=item.coupon_id,
        coupon_expires_at=from_iso(item.coupon_expires_at) if item.coupon_expires_at else None,
        product_id=item.product_id, sku_id=item.sku_id,
    )


def _redemption_item(r: Redemption) -> MallRedemptionItem:
    coupon = r.coupon
    return MallRedemptionItem(
        keys.mall_redemption_pk(r.id), keys.MALL_REDEMPTION_SK,
        redemption_id=r.id, user_id=r.user_id, item_id=r.item_id, kind=r.kind.value, title=r.title,
        points=r.points, state=r.state.value, created_at=iso(r.created_at), coupon_code=r.coupon_code,
        coupon_value=coupon.value if coupon else None, coupon_min_order=coupon.min_order if coupon else None,
        coupon_valid_days=coupon.valid_days if coupon else None,
        coupon_expires_at=iso(r.coupon_expires_at) if r.coupon_expires_at else None, coupon_id=r.coupon_id,
        product_id=r.product_id, sku_id=r.sku_id,
        GSI1PK=keys.user_mall_redemptions(r.user_id), GSI1SK=r.id,
    )


# ---------------------------------------------------------------- items
@dataclass(frozen=True, slots=True)
class StoredItem:
    """An item as stored, with the version its next edit must match."""

    item: MallItem
    version: int


def create_item(item: MallItem) -> None:
    _item_record(item, version=1).save(condition=TableItem.PK.does_not_exist())


def get_item(item_id: str, *, consistent: bool = False) -> StoredItem | None:
    """One GetItem."""
    try:
        record = MallItemRecord.get(keys.mall_item_pk(item_id), keys.MALL_ITEM_SK, consistent_read=consistent)
    except DoesNotExist:
        return None
    return StoredItem(to_item(record), int(record.version))


def items_by_id(ids: Iterable[str]) -> dict[str, MallItem]:
    """Items by id in batches of 100 (one BatchGetItem for a page); absent ids are left out."""
    found = batch_get((keys.mall_item_pk(i), keys.MALL_ITEM_SK) for i in ids)
    return {r.item_id: to_item(r) for r in found if isinstance(r, MallItemRecord)}


def update_item(before: StoredItem, after: MallItem) -> bool:
    """Write an operator's edit: one conditional UpdateItem. False if the item changed
    since ``before`` was read (another edit: ``version``; a redemption, when the edit
    sets the stock: ``stock``). Redemptions move ``stock`` and ``redeemed`` without
    touching ``version``, so they never make an edit of the title conflict."""
    gsi_pk, gsi_sk = _index_keys(after)
    coupon = after.coupon
    actions = [
        MallItemRecord.title.set(after.title),
        MallItemRecord.description.set(after.description),
        MallItemRecord.points_price.set(after.points_price),
        MallItemRecord.per_user_limit.set(after.per_user_limit),
        MallItemRecord.active.set(after.active),
        MallItemRecord.updated_at.set(iso(after.updated_at or after.created_at)),
        MallItemRecord.version.add(1),
        MallItemRecord.image_url.set(after.image_url) if after.image_url else MallItemRecord.image_url.remove(),
        *([MallItemRecord.GSI1PK.set(gsi_pk), MallItemRecord.GSI1SK.set(gsi_sk)] if gsi_pk
          else [MallItemRecord.GSI1PK.remove(), MallItemRecord.GSI1SK.remove()]),
    ]
    if after.kind is MallItemKind.PRODUCT:
        actions += [MallItemRecord.product_id.set(after.product_id), MallItemRecord.sku_id.set(after.sku_id)]
    elif coupon is not None:
        actions += [MallItemRecord.coupon_value.set(coupon.value),
                    MallItemRecord.coupon_min_order.set(coupon.min_order),
                    MallItemRecord.coupon_valid_days.set(coupon.valid_days)]
    condition = MallItemRecord.version == before.version
    if after.stock != before.item.stock:
        actions.append(MallItemRecord.stock.set(after.stock))
        condition &= MallItemRecord.stock == before.item.stock
    return update_if(MallItemRecord(keys.mall_item_pk(after.id), keys.MALL_ITEM_SK), actions, condition)


def active_items(limit: int | PageRequest, after: str | None = None) -> Page[MallItem]:
    """Active items newest first: one Query of the sparse GSI1 partition
    (eventually consistent: stock may lag the item by a moment). A position is an item id."""
    return query_page(TableItem.gsi1, keys.MALL_ACTIVE_ITEMS, limit, after, kinds=MallItemRecord).map(to_item)


def redeemed_by(item_id: str, user_id: str) -> int:
    """How many of the item the user redeemed (the per-user counter), one GetItem."""
    try:
        counter = MallRedeemerItem.get(keys.mall_item_pk(item_id), keys.mall_redeemer_sk(user_id), consistent_read=True)
    except DoesNotExist:
        return 0
    return int(counter.redeemed)


# ---------------------------------------------------------------- redemptions
def get_redemption(redemption_id: str, *, consistent: bool = True) -> Redemption | None:
    try:
        item = MallRedemptionItem.get(keys.mall_redemption_pk(redemption_id), keys.MALL_REDEMPTION_SK,
                                      consistent_read=consistent)
    except DoesNotExist:
        return None
    return to_redemption(item)


def user_redemptions(user_id: str, limit: int | PageRequest, after: str | None = None) -> Page[Redemption]:
    """A user's redemptions newest first: one Query of their GSI1 partition. A position is a redemption id."""
    return query_page(TableItem.gsi1, keys.user_mall_redemptions(user_id), limit, after,
                      kinds=MallRedemptionItem).map(to_redemption)


@dataclass(frozen=True, slots=True)
class RedeemOutcome:
    redemption: Redemption
    replayed: bool  # True: the key was used before; this is the first request's redemption, nothing taken now


class _Refused(Exception):
    """One of the mall's own conditions cancelled the transaction (a label of ours)."""

    def __init__(self, label: str) -> None:
        super().__init__(label)
        self.label = label


def find_replay(request: IdempotentRequest) -> Redemption | None:
    """The redemption this key made before, if it made one (one GetItem, plus one for
    the redemption when there is one). The same key with another item is refused."""
    try:
        return _replayed(idempotency.previous_result(request))
    except idempotency.NotClaimed:
        return None


def _replayed(redemption_id: str | None) -> Redemption:
    found = get_redemption(redemption_id) if redemption_id else None
    if found is None:
        raise InvalidState("the first request with this key did not complete", "idempotencyKey")
    return found


def _explain(label: str, item: MallItem) -> Exception:
    if label == "limit":
        return MallLimitReached(f"at most {item.per_user_limit} per person", "itemId")
    current = get_item(item.id, consistent=True)
    if current is None or not current.item.redeemable:
        return MallItemGone("this item is no longer available" if current is None or not current.item.active
                            else "this item has been redeemed out", "itemId")
    if current.item.points_price != item.points_price:
        return MallPriceChanged(f"the price is now {current.item.points_price} points; look again", "itemId")
    return MallItemGone("this item is no longer available", "itemId")


def points_source(redemption_id: str) -> str:
    return f"mall:{redemption_id}"


def _with_coupon(tx, redemption: Redemption, now: datetime) -> Redemption:
    """A COUPON redemption issues a real platform coupon (满减 of the item's terms, valid from now
    until the redemption's expiry) in the same transaction; the redemption keeps its id."""
    if redemption.coupon is None or redemption.coupon_expires_at is None:
        return redemption
    terms = coupon_issuing.CouponTerms(coupon_issuing.DiscountKind.AMOUNT_OFF, amount_off=redemption.coupon.value,
                                       threshold=redemption.coupon.min_order)
    coupon = coupon_issuing.add_issue(tx, redemption.user_id, terms, redemption.title, now,
                                      redemption.coupon_expires_at, points_source(redemption.id), now=now)
    return replace(redemption, coupon_id=coupon.id)


def redeem(item: MallItem, redemption: Redemption, request: IdempotentRequest, now: datetime) -> RedeemOutcome:
    """Redeem ``item`` as ``redemption`` in ONE transaction (see the module's doc).

    Refusals, with nothing written: NOT_ENOUGH_POINTS (InsufficientPoints),
    MALL_ITEM_GONE (inactive or sold out now), LIMIT_REACHED, CONFLICT (the price
    changed). A request whose key was claimed before answers with that first
    redemption instead, whatever the item or the account look like now."""
    user_id = redemption.user_id
    item_ref = MallItemRecord(keys.mall_item_pk(item.id), keys.MALL_ITEM_SK)
    counter_ref = MallRedeemerItem(keys.mall_item_pk(item.id), keys.mall_redeemer_sk(user_id))

    issued = redemption

    def also(tx) -> None:
        nonlocal issued
        issued = _with_coupon(tx, redemption, now)
        tx.update("item", item_ref, [MallItemRecord.stock.add(-1), MallItemRecord.redeemed.add(1)],
                  (MallItemRecord.active == True) & (MallItemRecord.stock >= 1)  # noqa: E712
                  & (MallItemRecord.points_price == item.points_price))
        tx.update("limit", counter_ref, [MallRedeemerItem.redeemed.add(1), MallRedeemerItem.type.set(MallRedeemerItem)],
                  MallRedeemerItem.redeemed.does_not_exist()
                  | (MallRedeemerItem.redeemed <= item.per_user_limit - 1))
        tx.put("redemption", _redemption_item(issued), TableItem.PK.does_not_exist())
        idempotency.claim(tx, request, now, result_id=redemption.id)

    # The key first: a replay is answered as a replay even if the item sold out since.
    refusals = {label: (lambda label=label: _Refused(label)) for label in (idempotency.LABEL, "item", "limit")}
    try:
        applied = points_store.spend(user_id, points_source(redemption.id), item.points_price, now,
                                     reason=item.title, also=also, refusals=refusals)
    except _Refused as refused:
        if refused.label == idempotency.LABEL:
            return RedeemOutcome(_replayed(idempotency.check_replay(request)), True)
        replay = find_replay(request)
        if replay is not None:
            return RedeemOutcome(replay, True)
        raise _explain(refused.label, item) from refused
    except InsufficientPoints:
        replay = find_replay(request)
        if replay is not None:
            return RedeemOutcome(replay, True)
        raise
    if not applied:  # the source is a fresh redemption id: it cannot have posted before
        raise InvalidState("this redemption was posted before")
    return RedeemOutcome(issued, False)
