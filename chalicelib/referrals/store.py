"""Referrals in the single table (keys.py). Every write is conditional, so a redelivered stream record, a job
run twice or two runs racing change nothing the first did not."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.operand import Path

from chalicelib.aftersales.published.ledgers import add_no_open_request
from chalicelib.core.clock import from_iso, iso
from chalicelib.core.table.conditional import put_if, update_if
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.paging import Page, PageRequest, query_page
from chalicelib.core.table.transactions import Transaction, TransactionCancelled
from chalicelib.coupons.published import issuing
from chalicelib.orders.published.items import ORDER_SK, order_pk
from chalicelib.referrals import keys
from chalicelib.referrals.models import InviteCodeItem, ReferralItem, ReferralMonthItem, ReferralRuleItem
from chalicelib.referrals.rules import DEFAULT_RULE, Referral, ReferralState, RewardRule, cap_month

COUPON_TITLE = "邀请好友奖励"


# ---------------------------------------------------------------- codes
def code_of(user_id: str, *, consistent: bool = False) -> str | None:
    """The user's invite code, if made: one GetItem."""
    try:
        return InviteCodeItem.get(keys.inviter_pk(user_id), keys.CODE_SK, consistent_read=consistent).code
    except DoesNotExist:
        return None


def owner_of(code: str) -> str | None:
    """Whose code it is: one GetItem."""
    try:
        return InviteCodeItem.get(keys.code_pk(code), keys.CODE_SK).user_id
    except DoesNotExist:
        return None


def claim_code(user_id: str, code: str, now: datetime) -> str | None:
    """Make ``code`` the user's, both ways in one transaction: ``code`` when written; None when the user
    has one already (another first ask won); raises TransactionCancelled({"code"}) on a code taken."""
    tx = Transaction()
    for pk in (keys.code_pk(code), keys.inviter_pk(user_id)):
        tx.put(pk, InviteCodeItem(pk, keys.CODE_SK, user_id=user_id, code=code, created_at=iso(now)),
               TableItem.PK.does_not_exist())
    try:
        tx.commit()
    except TransactionCancelled as error:
        if keys.inviter_pk(user_id) in error.failed:
            return None
        raise
    return code


# ---------------------------------------------------------------- bindings
def _referral(item: ReferralItem) -> Referral:
    def moment(text: str | None) -> datetime | None:
        return from_iso(text) if text else None

    return Referral(invitee_id=item.invitee_id, inviter_id=item.inviter_id, state=ReferralState(item.state),
                    bound_at=from_iso(item.bound_at), first_order_id=item.first_order_id,
                    due_at=moment(item.due_at), rewarded_at=moment(item.rewarded_at),
                    inviter_rewarded=bool(item.inviter_rewarded), version=int(item.version or 0))


def _ref(invitee_id: str) -> ReferralItem:
    return ReferralItem(keys.referral_pk(invitee_id), keys.REFERRAL_SK)


def bind(invitee_id: str, inviter_id: str, now: datetime) -> bool:
    """One PutItem, only if the invitee has no binding: False when bound already (to whomever)."""
    bound_at = iso(now)
    item = ReferralItem(keys.referral_pk(invitee_id), keys.REFERRAL_SK, invitee_id=invitee_id,
                        inviter_id=inviter_id, state=ReferralState.BOUND.value, bound_at=bound_at,
                        GSI1PK=keys.referrals_of(inviter_id), GSI1SK=keys.referral_position(bound_at, invitee_id))
    return put_if(item, TableItem.PK.does_not_exist())


def get_referral(invitee_id: str, *, consistent: bool = False) -> Referral | None:
    try:
        return _referral(ReferralItem.get(keys.referral_pk(invitee_id), keys.REFERRAL_SK,
                                          consistent_read=consistent))
    except DoesNotExist:
        return None


def mark_ordered(invitee_id: str, order_id: str) -> bool:
    """The first paid order: one conditional UpdateItem, only from BOUND."""
    return update_if(_ref(invitee_id), [ReferralItem.state.set(ReferralState.ORDERED.value),
                                        ReferralItem.first_order_id.set(order_id), ReferralItem.version.add(1)],
                     ReferralItem.state == ReferralState.BOUND.value)


def mark_due(invitee_id: str, order_id: str, due_at: datetime) -> bool:
    """The first order completed: DUE at ``due_at`` (a later completion record moves it), waiting in the due
    index. One conditional UpdateItem, only for that order, ORDERED or DUE."""
    due = iso(due_at)
    actions = [ReferralItem.state.set(ReferralState.DUE.value), ReferralItem.due_at.set(due),
               TableItem.GSI2PK.set(keys.due_bucket(keys.due_shard(invitee_id))),
               TableItem.GSI2SK.set(keys.due_sort_key(due, invitee_id)), ReferralItem.version.add(1)]
    condition = (ReferralItem.first_order_id == order_id) & ReferralItem.state.is_in(
        ReferralState.ORDERED.value, ReferralState.DUE.value)
    return update_if(_ref(invitee_id), actions, condition)


def void(invitee_id: str, order_id: str) -> bool:
    """The first paid order refunded or cancelled: VOID for ever, unless rewarded already. One UpdateItem."""
    actions = [ReferralItem.state.set(ReferralState.VOID.value), TableItem.GSI2PK.remove(), TableItem.GSI2SK.remove(),
               ReferralItem.version.add(1)]
    condition = (ReferralItem.first_order_id == order_id) & ReferralItem.state.is_in(
        ReferralState.ORDERED.value, ReferralState.DUE.value)
    return update_if(_ref(invitee_id), actions, condition)


def referrals_page(inviter_id: str, request: PageRequest) -> Page[Referral]:
    """An inviter's referrals, newest binding first: one Query of GSI1."""
    return query_page(TableItem.gsi1, keys.referrals_of(inviter_id), request,
                      kinds=ReferralItem).map(_referral)


def due_items(shard: int, now: datetime, page_size: int):
    """DUE referrals of a shard whose window closed by ``now``, soonest first (GSI2, paged lazily)."""
    bound = f"{iso(now)}#\uffff"
    return TableItem.gsi2.query(keys.due_bucket(shard), TableItem.GSI2SK <= bound, page_size=page_size)


def referral_of_item(item: ReferralItem) -> Referral:
    return _referral(item)


# ---------------------------------------------------------------- rewards
class NotDue(Exception):
    """The referral changed since it was read (rewarded, voided, its window moved)."""


class OrderRefunded(Exception):
    """The first order is no longer COMPLETED with nothing refunded."""


class RefundOpen(Exception):
    """An after-sales request on the first order is still open: the reward waits for it to close."""


class CapReached(Exception):
    """The inviter's month is full."""


def _coupon(tx: Transaction, user_id: str, fen: int, rule: RewardRule, invitee_id: str, side: str,
            now: datetime) -> None:
    terms = issuing.CouponTerms(issuing.DiscountKind.AMOUNT_OFF, amount_off=fen)
    issuing.add_issue(tx, user_id, terms, COUPON_TITLE, now, now + timedelta(days=rule.valid_days),
                      f"referral:{side}:{invitee_id}", now=now)


def reward(referral: Referral, rule: RewardRule, now: datetime, *, inviter_too: bool) -> Referral:
    """Both coupons (the inviter's only with ``inviter_too``, counted against the month's cap) and REWARDED,
    in ONE TransactWriteItems, conditioned on the referral's version (still DUE as read), on its order (still
    COMPLETED, nothing refunded) and on the inviter's month (under the cap). Raises NotDue, OrderRefunded or
    CapReached, having written nothing."""
    assert referral.due_at is not None and referral.first_order_id is not None
    tx = Transaction()
    refunded = Path("after_sales_refunded")
    tx.condition_check("order", TableItem, order_pk(referral.first_order_id), ORDER_SK,
                       (Path("state") == "COMPLETED") & (refunded.does_not_exist() | (refunded == 0)))
    tx.update("referral", _ref(referral.invitee_id),
              [ReferralItem.state.set(ReferralState.REWARDED.value), ReferralItem.rewarded_at.set(iso(now)),
               ReferralItem.inviter_rewarded.set(inviter_too), TableItem.GSI2PK.remove(), TableItem.GSI2SK.remove(),
               ReferralItem.version.add(1)],
              (ReferralItem.state == ReferralState.DUE.value) & (ReferralItem.version == referral.version))
    _coupon(tx, referral.invitee_id, rule.invitee_fen, rule, referral.invitee_id, "invitee", now)
    if inviter_too:
        month = ReferralMonthItem(keys.inviter_pk(referral.inviter_id), keys.month_sk(cap_month(referral.due_at)))
        tx.update("month", month, [ReferralMonthItem.rewarded.add(1)],
                  ReferralMonthItem.rewarded.does_not_exist() | (ReferralMonthItem.rewarded < rule.monthly_cap))
        _coupon(tx, referral.inviter_id, rule.inviter_fen, rule, referral.invitee_id, "inviter", now)
    add_no_open_request(tx, referral.first_order_id, "open-refund")
    tx.refuse("referral", NotDue())
    tx.refuse("order", OrderRefunded())
    tx.refuse("open-refund", RefundOpen(), prefix=True)
    tx.refuse("month", CapReached())
    tx.commit()
    return replace(referral, state=ReferralState.REWARDED, rewarded_at=now.replace(microsecond=0),
                   inviter_rewarded=inviter_too, version=referral.version + 1)


def month_count(inviter_id: str, month: str) -> int:
    try:
        return int(ReferralMonthItem.get(keys.inviter_pk(inviter_id), keys.month_sk(month)).rewarded or 0)
    except DoesNotExist:
        return 0


# ---------------------------------------------------------------- the rule
def get_rule() -> RewardRule:
    """The stored rule, or the decided defaults when none was set: one GetItem."""
    try:
        item = ReferralRuleItem.get(keys.RULE_PK, keys.RULE_SK)
    except DoesNotExist:
        return DEFAULT_RULE
    return RewardRule(int(item.invitee_fen), int(item.inviter_fen), int(item.valid_days), int(item.monthly_cap))


def put_rule(rule: RewardRule, operator_id: str, now: datetime) -> None:
    """One PutItem (the whole rule: last write wins)."""
    ReferralRuleItem(keys.RULE_PK, keys.RULE_SK, invitee_fen=rule.invitee_fen, inviter_fen=rule.inviter_fen,
                     valid_days=rule.valid_days, monthly_cap=rule.monthly_cap, updated_at=iso(now),
                     updated_by=operator_id).save()
