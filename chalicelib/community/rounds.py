"""Sale rounds (场次): open, cancel, and the listings. Checks in rules_rounds, storage in store_rounds."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from chalicelib.catalog.published.for_sale import skus_for_sale
from chalicelib.community import store as leaders_store
from chalicelib.community import store_rounds as store
from chalicelib.community.rules_rounds import (
    NewRound,
    Round,
    SkuFacts,
    check_cancellable,
    check_leaders,
    check_shape,
    round_merchant,
)
from chalicelib.core.ids import is_id, new_id
from chalicelib.core.principal import Principal, Role, require_role, require_self
from chalicelib.core.table.paging import Page, PageRequest, checked_request

MAX_PAGE = 100


def _position(text: str) -> bool:
    return "#" in text and len(text) <= 100


def open_round(principal: Principal | None, new: NewRound, now: datetime) -> Round:
    """A merchant (its own SKUs) or an operator opens a round: one BatchGetItem of the SKUs, one of
    the leaders' states, one TransactWriteItems. Bad input: a typed error, nothing written."""
    caller = require_role(principal, Role.MERCHANT, Role.OPERATOR)
    new = check_shape(new, now)
    found = skus_for_sale((line.product_id, line.sku_id) for line in new.lines)
    facts = {pair: SkuFacts(sale.product.merchant_id, sale.sku.price.amount) if sale.on_sale else None
             for pair, sale in found.items()}
    merchant_id = round_merchant(caller, new, facts)
    check_leaders(new.leader_ids, leaders_store.leader_states(new.leader_ids))
    created = Round(id=new_id(), merchant_id=merchant_id, creator_id=caller.user_id, title=new.title,
                    lines=new.lines, leader_ids=new.leader_ids, cutoff_at=new.cutoff_at, pickup_on=new.pickup_on,
                    created_at=now, uncollected=new.uncollected)
    store.create(created)
    return created


def cancel_round(principal: Principal | None, round_id: str, now: datetime) -> Round:
    """Its creator or an operator, before the cutoff (the write's condition decides at the cutoff)."""
    caller = require_role(principal, Role.MERCHANT, Role.OPERATOR)
    found = check_cancellable(caller, store.get_round(round_id, consistent=True), now)
    store.cancel(found, now)
    return replace(found, cancelled_at=now)


def get_round(round_id: str) -> Round | None:
    """Rounds are public: customers browse them."""
    return store.get_round(round_id)


def open_rounds_of_leader(leader_id: str, request: PageRequest | int, now: datetime,
                          after: str | None = None) -> Page[Round]:
    return store.open_rounds_of_leader(leader_id, checked_request(request, after, MAX_PAGE, _position), now)


def rounds_created(principal: Principal | None, merchant_id: str, request: PageRequest | int,
                   after: str | None = None) -> Page[Round]:
    """A merchant's own rounds (operators: any merchant's)."""
    caller = require_role(principal, Role.MERCHANT, Role.OPERATOR)
    if caller.role is Role.MERCHANT:
        require_self(caller, merchant_id, "a merchant's own rounds")
    return store.rounds_of_merchant(merchant_id, checked_request(request, after, MAX_PAGE, is_id))


def empty_page() -> Page[Round]:
    """What an unknown leader code lists: nothing (a stale share card is not an error)."""
    return Page([], False)
