"""Coupons in the single table.

- ``COUPON_TEMPLATE#<t>`` / ``TEMPLATE``: a template, ``issued`` and ``left`` (= total -
  issued) moved together by every claim and grant. A public active template carries
  ``GSI1PK = COUPON_TEMPLATES#CLAIMABLE`` (sparse: ending it removes them); every
  template is in its issuer's GSI2 partition (a merchant, or ``PLATFORM``).
- ``COUPON_TEMPLATE#<t>`` / ``CLAIMER#<user>``: claims of one user, the per-user limit.
- ``COUPON_TEMPLATE#<t>`` / ``GRANT#<grant>#<part>``: an operator's grant, with its reason.
- ``COUPON#<c>`` / ``COUPON``: a customer's coupon with its terms copied. Unused, it sits in
  the user's GSI1 partition ``...#COUPONS#AVAILABLE`` sorted by ``<valid_until>#<id>``;
  used, in ``...#COUPONS#USED`` sorted by ``<used_at>#<id>``.

A claim is ONE transaction: the template's ``left >= 1`` while active, public and in its
claim window, the claimer's counter below the limit, the coupon put (and the client's
idempotency key). Using a coupon (``add_use``) is one conditional update inside the
caller's transaction; the conditions, not earlier reads, decide under concurrency.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from pynamodb.exceptions import DoesNotExist

from chalicelib.core.clock import from_iso, iso
from chalicelib.core.idempotency import IdempotentRequest
from chalicelib.core.ids import new_id
from chalicelib.core.table import idempotency
from chalicelib.core.table.batch import batch_get
from chalicelib.core.table.conditional import update_if
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.paging import Page, query_page
from chalicelib.core.table.transactions import Transaction
from chalicelib.coupons import keys
from chalicelib.coupons.models import CouponClaimerItem, CouponGrantItem, CouponItem, CouponTemplateItem
from chalicelib.coupons.rules import (
    Coupon,
    CouponLimitReached,
    CouponsGone,
    CouponState,
    CouponTemplate,
    CouponTerms,
    CouponUnavailable,
    DiscountKind,
    ScopeKind,
    Validity,
    check_claimable,
)

USABLE_PAGE = 100  # usable_coupons reads one page: the 100 expiring soonest
GRANT_PART = 48  # coupons a grant writes per transaction (+ template + grant record, under 100 items)


# ---------------------------------------------------------------- mapping
def _terms_attributes(terms: CouponTerms) -> dict:
    return dict(kind=terms.kind.value, amount_off=terms.amount_off, percent_off=terms.percent_off, cap=terms.cap,
                threshold=terms.threshold, scope=terms.scope.value, merchant_id=terms.merchant_id,
                category_ids=set(terms.category_ids) or None, product_ids=set(terms.product_ids) or None)


def _terms(item) -> CouponTerms:
    return CouponTerms(kind=DiscountKind(item.kind), amount_off=int(item.amount_off or 0),
                       percent_off=int(item.percent_off or 0), cap=int(item.cap or 0),
                       threshold=int(item.threshold or 0), scope=ScopeKind(item.scope), merchant_id=item.merchant_id,
                       category_ids=frozenset(item.category_ids or ()), product_ids=frozenset(item.product_ids or ()))


def _maybe_iso(moment: datetime | None) -> str | None:
    return iso(moment) if moment is not None else None


def _maybe_time(text: str | None) -> datetime | None:
    return from_iso(text) if text else None


def to_template(item: CouponTemplateItem) -> CouponTemplate:
    validity = Validity(_maybe_time(item.valid_from), _maybe_time(item.valid_until),
                        int(item.valid_days) if item.valid_days is not None else None)
    return CouponTemplate(
        id=item.template_id, owner_id=item.owner_id, title=item.title, terms=_terms(item), validity=validity,
        total=int(item.total), per_user_limit=int(item.per_user_limit), public=bool(item.public),
        new_customers_only=bool(item.new_customers_only), claim_from=from_iso(item.claim_from),
        claim_until=_maybe_time(item.claim_until), active=bool(item.active), created_at=from_iso(item.created_at),
        issued=int(item.issued or 0), ended_at=_maybe_time(item.ended_at),
    )


def _template_item(t: CouponTemplate) -> CouponTemplateItem:
    claimable = t.active and t.public
    return CouponTemplateItem(
        keys.template_pk(t.id), keys.TEMPLATE_SK, template_id=t.id, owner_id=t.owner_id, title=t.title,
        **_terms_attributes(t.terms), valid_from=_maybe_iso(t.validity.valid_from),
        valid_until=_maybe_iso(t.validity.valid_until), valid_days=t.validity.valid_days, total=t.total,
        issued=t.issued, left=t.total - t.issued, per_user_limit=t.per_user_limit, public=t.public,
        new_customers_only=t.new_customers_only, claim_from=iso(t.claim_from),
        claim_until=_maybe_iso(t.claim_until), active=t.active, created_at=iso(t.created_at),
        GSI1PK=keys.CLAIMABLE_TEMPLATES if claimable else None, GSI1SK=t.id if claimable else None,
        GSI2PK=keys.issuer_templates(t.terms.merchant_id), GSI2SK=t.id,
    )


def to_coupon(item: CouponItem) -> Coupon:
    return Coupon(id=item.coupon_id, user_id=item.user_id, template_id=item.template_id, title=item.title,
                  terms=_terms(item), valid_from=from_iso(item.valid_from), valid_until=from_iso(item.valid_until),
                  state=CouponState(item.state), order_id=item.order_id, source=item.source)


def _coupon_item(c: Coupon, issued_at: datetime) -> CouponItem:
    return CouponItem(
        keys.coupon_pk(c.id), keys.COUPON_SK, coupon_id=c.id, user_id=c.user_id, template_id=c.template_id,
        title=c.title, **_terms_attributes(c.terms), valid_from=iso(c.valid_from), valid_until=iso(c.valid_until),
        state=c.state.value, order_id=c.order_id, source=c.source, issued_at=iso(issued_at),
        GSI1PK=keys.user_available_coupons(c.user_id), GSI1SK=keys.instant_key(iso(c.valid_until), c.id),
    )


def _coupon_ref(coupon_id: str) -> CouponItem:
    return CouponItem(keys.coupon_pk(coupon_id), keys.COUPON_SK)


# ---------------------------------------------------------------- templates
def create_template(template: CouponTemplate) -> None:
    _template_item(template).save(condition=TableItem.PK.does_not_exist())


def get_template(template_id: str, *, consistent: bool = False) -> CouponTemplate | None:
    """One GetItem."""
    try:
        item = CouponTemplateItem.get(keys.template_pk(template_id), keys.TEMPLATE_SK, consistent_read=consistent)
    except DoesNotExist:
        return None
    return to_template(item)


def end_template(template: CouponTemplate, now: datetime) -> bool:
    """Stop claims and grants: one conditional UpdateItem (False if it had ended already)."""
    return update_if(
        CouponTemplateItem(keys.template_pk(template.id), keys.TEMPLATE_SK),
        [CouponTemplateItem.active.set(False), CouponTemplateItem.ended_at.set(iso(now)),
         CouponTemplateItem.GSI1PK.remove(), CouponTemplateItem.GSI1SK.remove()],
        CouponTemplateItem.active == True,  # noqa: E712
    )


def claimable_templates(limit: int, after: str | None) -> Page[CouponTemplate]:
    """Public active templates, newest first: one Query of the sparse GSI1 partition."""
    return query_page(TableItem.gsi1, keys.CLAIMABLE_TEMPLATES, limit, after,
                      kinds=CouponTemplateItem).map(to_template)


def issuer_templates(merchant_id: str | None, limit: int, after: str | None) -> Page[CouponTemplate]:
    """A merchant's (or the platform's) templates, ended ones too, newest first: one Query of GSI2."""
    return query_page(TableItem.gsi2, keys.issuer_templates(merchant_id), limit, after,
                      kinds=CouponTemplateItem).map(to_template)


def claimed_by(template_id: str, user_id: str) -> int:
    try:
        item = CouponClaimerItem.get(keys.template_pk(template_id), keys.claimer_sk(user_id), consistent_read=True)
    except DoesNotExist:
        return 0
    return int(item.claimed)


# ---------------------------------------------------------------- issuing
def _take(tx: Transaction, template: CouponTemplate, count: int, now: datetime, *, claim: bool) -> None:
    """Take ``count`` of the template's quantity, if active (and, for a claim, public and in its window)."""
    item = CouponTemplateItem
    condition = (item.active == True) & (item.left >= count)  # noqa: E712
    if claim:
        condition &= (item.public == True) & (item.claim_from <= iso(now))  # noqa: E712
        condition &= item.claim_until.does_not_exist() | (item.claim_until > iso(now))
    tx.update("template", CouponTemplateItem(keys.template_pk(template.id), keys.TEMPLATE_SK),
              [item.issued.add(count), item.left.add(-count)], condition)


def _explain_template(template_id: str, now: datetime) -> Exception:
    current = get_template(template_id, consistent=True)
    try:
        check_claimable(current, now)
    except CouponsGone as gone:
        return gone
    return CouponsGone("all of these coupons have been claimed (已抢光)", "templateId")


def claim(template: CouponTemplate, coupon: Coupon, request: IdempotentRequest | None, now: datetime) -> Coupon:
    """Issue ``coupon`` of ``template`` to its user in ONE transaction (see the module's doc).

    Refusals, nothing written: CouponsGone (ended, all issued, window closed),
    CouponLimitReached. With a key used before: that first claim's coupon."""
    tx = Transaction()
    _take(tx, template, 1, now, claim=True)
    counter = CouponClaimerItem(keys.template_pk(template.id), keys.claimer_sk(coupon.user_id))
    tx.update("limit", counter, [CouponClaimerItem.claimed.add(1), CouponClaimerItem.type.set(CouponClaimerItem)],
              CouponClaimerItem.claimed.does_not_exist()
              | (CouponClaimerItem.claimed <= template.per_user_limit - 1))
    tx.put("coupon", _coupon_item(coupon, now), TableItem.PK.does_not_exist())
    if request is not None:
        idempotency.claim(tx, request, now, result_id=coupon.id)
        idempotency.refuse_as_replay(tx, request)
    tx.refuse("limit", CouponLimitReached(f"at most {template.per_user_limit} per person", "templateId"))
    tx.refuse("template", lambda failed: _explain_template(template.id, now))
    try:
        tx.commit()
    except idempotency.Replayed as replayed:
        first = get_coupon(replayed.result_id or "", consistent=True)
        if first is None:
            raise CouponUnavailable("the first claim with this key did not complete", "idempotencyKey") from None
        return first
    return coupon


def grant(grant_id: str, template: CouponTemplate, coupons: list[Coupon], operator_id: str, reason: str,
          now: datetime) -> None:
    """Issue ``coupons`` (one per user) as an operator's grant, ``GRANT_PART`` a transaction,
    each with its part of the grant record. A part refused because the template ran out
    or ended meanwhile raises CouponsGone; parts written before it stand."""
    for part, start in enumerate(range(0, len(coupons), GRANT_PART)):
        chunk = coupons[start:start + GRANT_PART]
        tx = Transaction()
        _take(tx, template, len(chunk), now, claim=False)
        for coupon in chunk:
            tx.put(f"coupon:{coupon.id}", _coupon_item(coupon, now), TableItem.PK.does_not_exist())
        tx.put("grant", CouponGrantItem(
            keys.template_pk(template.id), keys.grant_sk(grant_id, part), grant_id=grant_id, operator_id=operator_id,
            reason=reason, user_ids={c.user_id for c in chunk}, coupon_ids={c.id for c in chunk},
            created_at=iso(now)), TableItem.PK.does_not_exist())
        tx.refuse("template", CouponsGone(
            f"the template ended or has fewer than {len(chunk)} coupons left; {start} granted", "templateId"))
        tx.commit()


def grants_of(template_id: str) -> list[CouponGrantItem]:
    return [i for i in TableItem.query(keys.template_pk(template_id), TableItem.SK.startswith("GRANT#"))
            if isinstance(i, CouponGrantItem)]


def add_issue(tx: Transaction, user_id: str, terms: CouponTerms, title: str, valid_from: datetime,
              valid_until: datetime, source: str, *, now: datetime | None = None) -> Coupon:
    """Put a new AVAILABLE coupon of ``terms`` for ``user_id`` in the caller's transaction
    (label ``coupon:<id>``). No template: nothing is counted against one."""
    coupon = Coupon(id=new_id(), user_id=user_id, template_id=None, title=title, terms=terms, valid_from=valid_from,
                    valid_until=valid_until, state=CouponState.AVAILABLE, order_id=None, source=source)
    tx.put(f"coupon:{coupon.id}", _coupon_item(coupon, now or valid_from), TableItem.PK.does_not_exist())
    return coupon


def issue(template: CouponTemplate, coupon: Coupon, now: datetime) -> Coupon:
    """One coupon of ``template`` for another feature (referral, assist): counted against
    the total, not against the per-user claim limit, whether public or not."""
    tx = Transaction()
    _take(tx, template, 1, now, claim=False)
    tx.put("coupon", _coupon_item(coupon, now), TableItem.PK.does_not_exist())
    tx.refuse("template", CouponsGone("this coupon template has ended or run out", "templateId"))
    tx.commit()
    return coupon


# ---------------------------------------------------------------- coupons
def get_coupon(coupon_id: str, *, consistent: bool = False) -> Coupon | None:
    try:
        item = CouponItem.get(keys.coupon_pk(coupon_id), keys.COUPON_SK, consistent_read=consistent)
    except DoesNotExist:
        return None
    return to_coupon(item)


def coupons_by_id(ids: Iterable[str]) -> dict[str, Coupon]:
    found = batch_get((keys.coupon_pk(i), keys.COUPON_SK) for i in ids)
    return {c.coupon_id: to_coupon(c) for c in found if isinstance(c, CouponItem)}


def _first_page(page: Page[Coupon], asked_after: str | None) -> Page[Coupon]:
    """A listing bounded by now asks its first page after a computed position: it is still the first page."""
    return page if asked_after is not None else replace(page, after=None)


def available_coupons(user_id: str, now: datetime, limit: int, after: str | None) -> Page[Coupon]:
    """Unused, unexpired coupons, expiring soonest first: one Query, ``GSI1SK > <now>#~`` ascending.
    Not-yet-valid ones are included (they show when they start)."""
    floor = keys.past_instant(iso(now))
    start = max(after, floor) if after is not None else floor
    page = query_page(TableItem.gsi1, keys.user_available_coupons(user_id), limit, start, forward=True,
                      kinds=CouponItem).map(to_coupon)
    return _first_page(page, after)


def expired_coupons(user_id: str, now: datetime, limit: int, after: str | None) -> Page[Coupon]:
    """Unused coupons whose time ran out, most recently expired first: one Query, ``GSI1SK < <now>#~``."""
    ceiling = keys.past_instant(iso(now))
    start = min(after, ceiling) if after is not None else ceiling
    page = query_page(TableItem.gsi1, keys.user_available_coupons(user_id), limit, start,
                      kinds=CouponItem).map(to_coupon)
    return _first_page(page, after)


def used_coupons(user_id: str, limit: int, after: str | None) -> Page[Coupon]:
    """Used coupons, most recently used first: one Query."""
    return query_page(TableItem.gsi1, keys.user_used_coupons(user_id), limit, after, kinds=CouponItem).map(to_coupon)


def usable_coupons(user_id: str, now: datetime) -> list[Coupon]:
    """The user's AVAILABLE, unexpired coupons, soonest expiry first: ONE Query of at most
    ``USABLE_PAGE``; past it, the ones expiring latest are left out."""
    return available_coupons(user_id, now, USABLE_PAGE, None).items


def add_use(tx: Transaction, coupon: Coupon, order_id: str, now: datetime) -> None:
    """Mark ``coupon`` USED by ``order_id`` in the caller's transaction, label ``coupon:<id>``:
    only if AVAILABLE, still its owner's, and ``valid_from <= now < valid_until``. Declares
    the refusal CouponUnavailable (field ``couponIds``)."""
    label = f"coupon:{coupon.id}"
    item = CouponItem
    at = iso(now)
    tx.update(label, _coupon_ref(coupon.id), [
        item.state.set(CouponState.USED.value), item.order_id.set(order_id), item.used_at.set(at),
        item.GSI1PK.set(keys.user_used_coupons(coupon.user_id)), item.GSI1SK.set(keys.instant_key(at, coupon.id)),
    ], (item.state == CouponState.AVAILABLE.value) & (item.user_id == coupon.user_id)
        & (item.valid_from <= at) & (item.valid_until > at))
    tx.refuse(label, CouponUnavailable(f"the coupon “{coupon.title}” can no longer be used; choose again"))


def return_coupon(coupon_id: str, user_id: str, order_id: str, now: datetime) -> bool:
    """The coupon USED by ``order_id`` is AVAILABLE again if still valid: one conditional
    UpdateItem. False when nothing changed (returned already, expired, another order's)."""
    item = CouponItem
    stored = get_coupon(coupon_id, consistent=True)  # its valid_until names its place in the AVAILABLE index
    if stored is None:
        return False
    return update_if(_coupon_ref(coupon_id), [
        item.state.set(CouponState.AVAILABLE.value), item.order_id.remove(), item.used_at.remove(),
        item.GSI1PK.set(keys.user_available_coupons(user_id)),
        item.GSI1SK.set(keys.instant_key(iso(stored.valid_until), coupon_id)),
    ], (item.state == CouponState.USED.value) & (item.order_id == order_id) & (item.user_id == user_id)
        & (item.valid_until > iso(now)))
