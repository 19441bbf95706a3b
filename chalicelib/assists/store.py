"""Assists in the single table.

- ``ASSIST_CAMPAIGN#<c>`` / ``CAMPAIGN``: a campaign and its rules (never changed once made).
- ``ASSIST_CAMPAIGN#<c>`` / ``STARTER#<user>``: the customer's one instance of it.
- ``ASSIST#<code>`` / ``INSTANCE``: an instance, keyed by its share code, with the campaign's rules
  copied (an assist reads one item, not two), ``count`` and the reward coupons; in the starter's
  GSI1 partition ``USER#<u>#ASSISTS`` by ``<started_at>#<code>``.
- ``ASSIST#<code>`` / ``HELPER#<user>``: one friend's assist.
- ``ASSIST_HELPER#<user>`` / ``DAY#<china date>``: the helper's assists that day, all campaigns.

An assist is ONE transaction: the instance's ``count`` as read (+1, and the tier's coupon id when
this count reaches a tier), the assist absent, the day's counter below the limit, and the tier's
coupon put (coupons' ``add_issue``). The count condition makes every count value reached once, so
each tier's reward is issued once; a moved count is read again and the assist retried.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist

from chalicelib.accounts.published.users import USER_SK, UserItem, user_pk
from chalicelib.assists import keys
from chalicelib.assists.models import (
    AssistCampaignItem,
    AssistHelperDayItem,
    AssistInstanceItem,
    AssistItem,
    AssistStarterItem,
)
from chalicelib.assists.rules import AlreadyAssisted, Campaign, DailyLimitReached, Instance, Tier, china_day
from chalicelib.core.clock import CHINA, from_iso, iso
from chalicelib.core.table.batch import batch_get
from chalicelib.core.table.models import TableItem
from chalicelib.core.table.paging import Page, PageRequest, query_page
from chalicelib.core.table.transactions import Transaction
from chalicelib.coupons.published.issuing import CouponTemplate, CouponTerms, DiscountKind, ScopeKind, add_issue

DAY_COUNTER_DAYS = 2  # a day's counter expires (TTL) two days after the day began


class CountMoved(Exception):
    """Another assist changed the instance since it was read: read again and retry."""


class AlreadyStarted(Exception):
    pass


# ---------------------------------------------------------------- mapping
def reward_of(template: CouponTemplate) -> dict:
    """A template's terms and validity, as a tier keeps them (JSON)."""
    t, v = template.terms, template.validity
    return {
        "kind": t.kind.value, "amount_off": t.amount_off, "percent_off": t.percent_off, "cap": t.cap,
        "threshold": t.threshold, "scope": t.scope.value, "merchant_id": t.merchant_id,
        "category_ids": sorted(t.category_ids), "product_ids": sorted(t.product_ids),
        "valid_from": iso(v.valid_from) if v.valid_from else None,
        "valid_until": iso(v.valid_until) if v.valid_until else None, "valid_days": v.valid_days,
    }


def reward_terms(reward: dict) -> CouponTerms:
    return CouponTerms(kind=DiscountKind(reward["kind"]), amount_off=reward["amount_off"],
                       percent_off=reward["percent_off"], cap=reward["cap"], threshold=reward["threshold"],
                       scope=ScopeKind(reward["scope"]), merchant_id=reward["merchant_id"],
                       category_ids=frozenset(reward["category_ids"]), product_ids=frozenset(reward["product_ids"]))


def reward_window(reward: dict, now: datetime) -> tuple[datetime, datetime]:
    if reward["valid_days"] is not None:
        return now, now + timedelta(days=reward["valid_days"])
    return from_iso(reward["valid_from"]), from_iso(reward["valid_until"])


def _rules(c: Campaign) -> dict:
    return dict(product_id=c.product_id, merchant_id=c.merchant_id, title=c.title,
                tiers=[{"assists": t.assists, "template_id": t.template_id, "title": t.title, "reward": t.reward}
                       for t in c.tiers],
                starts_at=iso(c.starts_at), ends_at=iso(c.ends_at), new_users_only=c.new_users_only,
                daily_limit=c.daily_limit)


def _campaign(item, campaign_id: str, owner_id: str) -> Campaign:
    return Campaign(
        id=campaign_id, owner_id=owner_id, product_id=item.product_id, merchant_id=item.merchant_id,
        title=item.title, tiers=tuple(Tier(t["assists"], t["template_id"], t["title"], t["reward"]) for t in item.tiers),
        starts_at=from_iso(item.starts_at), ends_at=from_iso(item.ends_at), new_users_only=bool(item.new_users_only),
        daily_limit=int(item.daily_limit))


def to_campaign(item: AssistCampaignItem) -> Campaign:
    return _campaign(item, item.campaign_id, item.owner_id)


def to_instance(item: AssistInstanceItem) -> Instance:
    return Instance(code=item.share_code, campaign_id=item.campaign_id, starter_id=item.starter_id,
                    started_at=from_iso(item.started_at), count=int(item.count or 0), flagged=int(item.flagged or 0),
                    reward_coupon_ids=tuple(item.reward_coupon_ids or ()),
                    rules=_campaign(item, item.campaign_id, item.owner_id))


def _instance_ref(code: str) -> AssistInstanceItem:
    return AssistInstanceItem(keys.instance_pk(code), keys.INSTANCE_SK)


# ---------------------------------------------------------------- campaigns
def create_campaign(campaign: Campaign) -> None:
    AssistCampaignItem(keys.campaign_pk(campaign.id), keys.CAMPAIGN_SK, campaign_id=campaign.id,
                       owner_id=campaign.owner_id, **_rules(campaign)).save(condition=TableItem.PK.does_not_exist())


def get_campaign(campaign_id: str) -> Campaign | None:
    try:
        return to_campaign(AssistCampaignItem.get(keys.campaign_pk(campaign_id), keys.CAMPAIGN_SK))
    except DoesNotExist:
        return None


def campaigns_by_id(ids: list[str]) -> dict[str, Campaign]:
    """One BatchGetItem (≤ 100 keys)."""
    found = batch_get((keys.campaign_pk(i), keys.CAMPAIGN_SK) for i in ids)
    return {i.campaign_id: to_campaign(i) for i in found if isinstance(i, AssistCampaignItem)}


# ---------------------------------------------------------------- instances
def start(campaign: Campaign, code: str, starter_id: str, now: datetime) -> Instance:
    """Put the starter's guard and the instance in one transaction; AlreadyStarted when the guard exists."""
    at = iso(now)
    tx = Transaction()
    tx.put("starter", AssistStarterItem(keys.campaign_pk(campaign.id), keys.starter_sk(starter_id), share_code=code),
           TableItem.PK.does_not_exist())
    tx.put("instance", AssistInstanceItem(
        keys.instance_pk(code), keys.INSTANCE_SK, share_code=code, campaign_id=campaign.id, owner_id=campaign.owner_id,
        starter_id=starter_id, started_at=at, count=0, flagged=0, reward_coupon_ids=[], **_rules(campaign),
        GSI1PK=keys.user_instances(starter_id), GSI1SK=keys.instance_position(at, code),
    ), TableItem.PK.does_not_exist())
    tx.refuse("starter", AlreadyStarted())
    tx.commit()
    return Instance(code, campaign.id, starter_id, now.replace(microsecond=0), 0, 0, (), campaign)


def started_code(campaign_id: str, user_id: str) -> str | None:
    try:
        return AssistStarterItem.get(keys.campaign_pk(campaign_id), keys.starter_sk(user_id),
                                     consistent_read=True).share_code
    except DoesNotExist:
        return None


def get_instance(code: str, *, consistent: bool = False) -> Instance | None:
    try:
        return to_instance(AssistInstanceItem.get(keys.instance_pk(code), keys.INSTANCE_SK, consistent_read=consistent))
    except DoesNotExist:
        return None


def instance_and_account(code: str, user_id: str) -> tuple[Instance | None, datetime | None]:
    """The instance and when the helper's account was made: ONE BatchGetItem (consistent)."""
    found = batch_get([(keys.instance_pk(code), keys.INSTANCE_SK), (user_pk(user_id), USER_SK)], consistent=True)
    instance = next((to_instance(i) for i in found if isinstance(i, AssistInstanceItem)), None)
    user = next((i for i in found if isinstance(i, UserItem)), None)
    return instance, (from_iso(user.created_at) if user is not None else None)


def user_instances(user_id: str, request: PageRequest) -> Page[Instance]:
    """A customer's instances, newest first: one Query of GSI1."""
    return query_page(TableItem.gsi1, keys.user_instances(user_id), request, kinds=AssistInstanceItem).map(to_instance)


def assists_of(code: str) -> list[AssistItem]:
    return [i for i in TableItem.query(keys.instance_pk(code), TableItem.SK.startswith("HELPER#"), consistent_read=True)
            if isinstance(i, AssistItem)]


def helper_day(helper_id: str, now: datetime) -> int:
    try:
        item = AssistHelperDayItem.get(keys.helper_pk(helper_id), keys.day_sk(china_day(now)), consistent_read=True)
    except DoesNotExist:
        return 0
    return int(item.assists)


# ---------------------------------------------------------------- assisting
def assist(instance: Instance, helper_id: str, flagged: bool, tier: Tier | None, now: datetime) -> str | None:
    """Count one assist of ``instance`` as read (see the module's doc). Returns the tier's coupon id
    when this assist reaches a tier. Refusals, nothing written: AlreadyAssisted, DailyLimitReached,
    CountMoved (read again)."""
    at = iso(now)
    item = AssistInstanceItem
    tx = Transaction()
    tx.put("assist", AssistItem(keys.instance_pk(instance.code), keys.helper_sk(helper_id), helper_id=helper_id,
                                assisted_at=at, flagged=flagged), TableItem.PK.does_not_exist())
    day = china_day(now)
    limit = instance.rules.daily_limit
    expires = int(datetime(day.year, day.month, day.day, tzinfo=CHINA).timestamp()) + DAY_COUNTER_DAYS * 86400
    counter = AssistHelperDayItem
    tx.update("day", AssistHelperDayItem(keys.helper_pk(helper_id), keys.day_sk(day)),
              [counter.assists.add(1), counter.type.set(AssistHelperDayItem), counter.ttl.set(expires)],
              counter.assists.does_not_exist() | (counter.assists <= limit - 1))
    actions = [item.count.add(1)]
    if flagged:
        actions.append(item.flagged.add(1))
    coupon_id = None
    if tier is not None:
        valid_from, valid_until = reward_window(tier.reward, now)
        coupon = add_issue(tx, instance.starter_id, reward_terms(tier.reward), tier.title, valid_from, valid_until,
                           f"assist:{instance.code}:{tier.assists}", now=now)
        coupon_id = coupon.id
        actions.append(item.reward_coupon_ids.set(item.reward_coupon_ids.append([coupon_id])))
    tx.update("instance", _instance_ref(instance.code), actions, item.count == instance.count)
    tx.refuse("assist", AlreadyAssisted("you assisted this friend already", "shareCode"))
    tx.refuse("day", DailyLimitReached(f"at most {limit} assists a day", "shareCode"))
    tx.refuse("instance", CountMoved())
    tx.commit()
    return coupon_id
