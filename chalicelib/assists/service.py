"""Assist commands and reads. A command reads what it checks once, then writes one transaction
whose conditions, not the read, decide under concurrency (chalicelib/assists/store.py)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.assists import rules, store
from chalicelib.assists.rules import Campaign, Instance, Tier
from chalicelib.catalog.published.products import PRODUCT_SK, ProductItem, product_pk
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed
from chalicelib.core.ids import is_id, is_share_code, new_id, new_share_code
from chalicelib.core.observability import count
from chalicelib.core.principal import Principal, Role, may_manage, require_role, require_self, require_user
from chalicelib.core.table.batch import batch_get
from chalicelib.core.table.paging import Page, PageRequest, checked_request
from chalicelib.coupons.published.issuing import get_template

MAX_PAGE = 100
MAX_ASSIST_ATTEMPTS = rules.MAX_ASSISTS + 2  # each retry follows another accepted assist: bounded by the tiers


@dataclass(frozen=True)
class NewCampaign:
    product_id: str
    title: str
    tiers: tuple[tuple[int, str], ...]  # (assists, coupon template id), increasing
    ends_at: datetime
    new_users_only: bool = False
    daily_limit: int = rules.DEFAULT_DAILY_LIMIT


@dataclass(frozen=True)
class Assisted:
    instance: Instance
    reward_coupon_id: str | None  # the tier's coupon this assist issued to the starter


def _product(product_id: str) -> ProductItem:
    found = batch_get([(product_pk(product_id), PRODUCT_SK)]) if is_id(product_id) else []
    item = next((i for i in found if isinstance(i, ProductItem)), None)
    if item is None:
        raise NotFound("no such product", "productId")
    return item


def create_campaign(principal: Principal | None, new: NewCampaign, now: datetime) -> Campaign:
    """Operators on any product; a merchant on its own products, with its own coupon templates."""
    caller = require_role(principal, Role.OPERATOR, Role.MERCHANT)
    rules.check_campaign(new.title, [a for a, _ in new.tiers], new.ends_at, new.daily_limit, now)
    product = _product(new.product_id)
    if not may_manage(caller, product.merchant_id):
        raise NotFound("no such product", "productId")
    tiers = []
    for n, (assists, template_id) in enumerate(new.tiers):
        template = get_template(template_id) if is_id(template_id) else None
        if template is None:
            raise NotFound("no such coupon template", f"tiers.{n}.templateId")
        if caller.role is Role.MERCHANT and template.terms.merchant_id != caller.user_id:
            raise ValidationFailed("a merchant rewards with its own coupon templates", f"tiers.{n}.templateId")
        if not template.active:
            raise ValidationFailed("this coupon template has ended", f"tiers.{n}.templateId")
        if template.validity.valid_until is not None and template.validity.valid_until <= new.ends_at:
            raise ValidationFailed("the coupon's validity must outlast the campaign", f"tiers.{n}.templateId")
        tiers.append(Tier(assists, template.id, template.title, store.reward_of(template)))
    campaign = Campaign(id=new_id(), owner_id=caller.user_id, product_id=product.product_id,
                        merchant_id=product.merchant_id, title=new.title.strip(), tiers=tuple(tiers),
                        starts_at=now.replace(microsecond=0), ends_at=new.ends_at, new_users_only=new.new_users_only,
                        daily_limit=new.daily_limit)
    store.create_campaign(campaign)
    count("AssistCampaignsCreated")
    return campaign


def get_campaign(campaign_id: str) -> Campaign | None:
    return store.get_campaign(campaign_id) if is_id(campaign_id) else None


def start(principal: Principal | None, campaign_id: str, now: datetime) -> Instance:
    """The customer's instance of the campaign: made once, the same one on every later start."""
    caller = require_user(principal)
    campaign = get_campaign(campaign_id)
    if campaign is None:
        raise NotFound("no such assist campaign", "campaignId")
    existing = store.started_code(campaign.id, caller.user_id)
    if existing is not None:
        found = store.get_instance(existing, consistent=True)
        if found is not None:
            return found
    if not campaign.open_at(now):
        raise rules.AssistClosed("this assist campaign has ended", "campaignId")
    try:
        instance = store.start(campaign, new_share_code(), caller.user_id, now)
    except store.AlreadyStarted:  # a concurrent start of the same customer won
        code = store.started_code(campaign.id, caller.user_id)
        found = store.get_instance(code, consistent=True) if code else None
        if found is None:
            raise Conflict("your start is still being saved; try again", "campaignId") from None
        return found
    count("AssistsStarted")
    return instance


def instance_by_code(share_code: str) -> Instance | None:
    """Public progress by share code (anyone with the code: count and tiers, never the helpers)."""
    return store.get_instance(share_code) if is_share_code(share_code) else None


def assist(principal: Principal | None, share_code: str, now: datetime) -> Assisted:
    """One friend's assist: ONE BatchGetItem (the instance and the helper's account) and ONE
    TransactWriteItems when nobody else assisted meanwhile; a moved count is read (GetItem) again."""
    helper = require_user(principal)
    if not is_share_code(share_code):
        raise NotFound("no such assist", "shareCode")
    instance, created_at = store.instance_and_account(share_code, helper.user_id)
    for _ in range(MAX_ASSIST_ATTEMPTS):
        if instance is None:
            raise NotFound("no such assist", "shareCode")
        flagged = rules.check_assist(instance, helper.user_id, created_at, now)
        tier = rules.tier_reached_by(instance, instance.count + 1)
        try:
            coupon_id = store.assist(instance, helper.user_id, flagged, tier, now)
        except store.CountMoved:
            instance = store.get_instance(share_code, consistent=True)
            continue
        count("Assists")
        after = Instance(instance.code, instance.campaign_id, instance.starter_id, instance.started_at,
                         instance.count + 1, instance.flagged + int(flagged),
                         instance.reward_coupon_ids + ((coupon_id,) if coupon_id else ()), instance.rules)
        return Assisted(after, coupon_id)
    raise Conflict("many friends are assisting at once; try again", "shareCode")


def _position(value: str) -> bool:
    return len(value) <= 60 and "#" in value


def my_instances(principal: Principal | None, limit: int | PageRequest, after: str | None = None, *,
                 user_id: str | None = None) -> Page[Instance]:
    """The caller's own instances, newest first: one Query."""
    caller = require_self(principal, user_id, "your own assists") if user_id else require_user(principal)
    return store.user_instances(caller.user_id, checked_request(limit, after, MAX_PAGE, _position))
